// An equal start for every measurement cell. Seeding right before a cell leaves work behind that the
// server does later, inside the measured window: a checkpoint flushing the seed, autovacuum and
// autoanalyze woken by 10,000 fresh rows. Where the suite owns the server, the seed goes once per run
// into template databases and every cell gets clones of them (CREATE DATABASE … TEMPLATE: byte-identical
// data, planner statistics included, no pending vacuum work), then a checkpoint, so the server is quiet
// when measuring starts. Elsewhere (compose, env, URL: servers where the suite may not create
// databases) every cell reseeds, then VACUUM ANALYZE and, where permitted, a checkpoint.
import pg from 'pg';
import type { ServiceList } from '../kit/service-list.js';
import type { DbUrls } from './domains.js';
import { prepareDatabases, quoteIdent, redact } from './prepare.js';
import type { SeedSize } from './seed-data.js';

export const CLONE_METHOD = 'template clone + checkpoint';
export const RESEED_METHOD = 'reseed + vacuum analyze + checkpoint';

/** How one cell's databases were brought to their starting state, and how long that took. */
export interface CellStart { method: string; ms: number; }
export interface CellDatabases { method: string; reset(): Promise<CellStart>; }

export async function cellDatabases(db: { urls: DbUrls; adminUrl?: string }, services: ServiceList, size: SeedSize, log: (m: string) => void = () => {}): Promise<CellDatabases> {
  if (!db.adminUrl) return { method: RESEED_METHOD, reset: () => reseed(db.urls, services, size) };
  const adminUrl = db.adminUrl;
  const domains = services.domains;
  const names = Object.fromEntries(domains.map((d) => [d, databaseOf(db.urls[d])]));
  const templates = Object.fromEntries(domains.map((d) => [d, `${names[d]}_template`]));
  const started = Date.now();
  await withClient(adminUrl, async (c) => {
    for (const d of domains) {
      await dropDatabase(c, templates[d]);
      await c.query(`CREATE DATABASE ${quoteIdent(templates[d])}`);
    }
  });
  const templateUrls = Object.fromEntries(domains.map((d) => [d, withDatabase(db.urls[d], templates[d])]));
  await prepareDatabases(templateUrls, services, size);
  // No connection may be open to a template while it is cloned: refuse them all from now on.
  await withClient(adminUrl, async (c) => {
    for (const d of domains) await c.query(`ALTER DATABASE ${quoteIdent(templates[d])} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
  });
  log(`seeded template databases once for this run (${size.skus} SKUs, ${size.customers} customers) in ${Date.now() - started} ms`);
  return {
    method: CLONE_METHOD,
    async reset() {
      const t0 = Date.now();
      await withClient(adminUrl, async (c) => {
        for (const d of domains) {
          await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(names[d])} WITH (FORCE)`);
          await c.query(`CREATE DATABASE ${quoteIdent(names[d])} TEMPLATE ${quoteIdent(templates[d])}`);
        }
        await c.query('CHECKPOINT');
      });
      return { method: CLONE_METHOD, ms: Date.now() - t0 };
    },
  };
}

async function reseed(urls: DbUrls, services: ServiceList, size: SeedSize): Promise<CellStart> {
  const t0 = Date.now();
  await prepareDatabases(urls, services, size);
  // One checkpoint per server; a role without the right to checkpoint gets the rest of the method.
  const servers = new Map(services.domains.map((d) => [serverOf(urls[d]), urls[d]]));
  let denied = false;
  for (const url of servers.values()) {
    await withClient(url, async (c) => {
      try {
        await c.query('CHECKPOINT');
      } catch (e) {
        if ((e as { code?: string }).code !== '42501') throw e;
        denied = true;
      }
    });
  }
  return { method: denied ? 'reseed + vacuum analyze (checkpoint not permitted to this role)' : RESEED_METHOD, ms: Date.now() - t0 };
}

async function dropDatabase(c: pg.Client, name: string) {
  if (!(await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) return;
  await c.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE false`);
  await c.query(`DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`);
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
  } catch (e) {
    throw new Error(`database server unreachable at ${redact(url)}: ${(e as Error).message}`);
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
const serverOf = (url: string) => new URL(url).host;
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}
