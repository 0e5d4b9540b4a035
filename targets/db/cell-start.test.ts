// Every cell's start on a real server: clones of templates seeded once are identical to each other and
// to a fresh seed, carry the planner's statistics, leave no vacuum work pending and undo what a cell
// wrote; without a server to create databases on, every cell reseeds instead.
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SERVICES } from '../services.js';
import { CLONE_METHOD, RESEED_METHOD, cellDatabases } from './cell-start.js';
import { prepareDatabases } from './prepare.js';

const dbUrls = inject('dbUrls');
const adminUrl = (() => { const u = new URL(dbUrls.commerce); u.pathname = '/postgres'; return u.toString(); })();
const SIZE = { skus: 1_000, customers: 20 };

async function query<T = any>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/** A digest of seeded rows (tokens' expiry is relative to the seeding time: left out). */
const fingerprint = async () => ({
  stock: (await query(dbUrls.logistics, `SELECT md5(string_agg(s::text, ',' ORDER BY sku)) AS h FROM warehouse.stock s`))[0].h,
  products: (await query(dbUrls.product, `SELECT md5(string_agg(p::text, ',' ORDER BY p::text)) AS h FROM catalog.products p`))[0].h,
  customers: (await query(dbUrls.identity, `SELECT md5(string_agg(c::text, ',' ORDER BY c::text)) AS h FROM customer.customers c`))[0].h,
});

afterAll(async () => {
  // Leave the shared test server as the other files expect it: the six domain databases, no templates.
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    for (const d of SERVICES.domains) {
      const t = `${d}_template`;
      if ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [t])).rowCount) {
        await c.query(`ALTER DATABASE ${t} WITH IS_TEMPLATE false`);
        await c.query(`DROP DATABASE ${t}`);
      }
    }
  } finally {
    await c.end();
  }
});

describe('cellDatabases', () => {
  it('on a server it may create databases on: clones of one seed, identical per cell, quiet, undoing what a cell wrote', async () => {
    await prepareDatabases(dbUrls, SERVICES, SIZE);
    const seeded = await fingerprint();

    const fresh = await cellDatabases({ urls: dbUrls, adminUrl }, SERVICES, SIZE);
    expect(fresh.method).toBe(CLONE_METHOD);
    expect(await fresh.reset()).toMatchObject({ method: CLONE_METHOD });
    expect(await fingerprint()).toEqual(seeded);

    // What a cell writes is gone for the next one.
    await query(dbUrls.logistics, `UPDATE warehouse.stock SET on_hand = on_hand - 1, sold = sold + 1 WHERE sku = 'SKU-000001'`);
    await query(dbUrls.commerce, `INSERT INTO "order".outbox (event_id, type, payload) VALUES ('x:paid', 'order.paid', '{}')`);
    await fresh.reset();
    expect(await fingerprint()).toEqual(seeded);
    expect((await query(dbUrls.commerce, 'SELECT count(*)::int AS n FROM "order".outbox'))[0].n).toBe(0);

    // Planner statistics came with the clone; no table has changes waiting for autovacuum or autoanalyze.
    expect((await query(dbUrls.logistics, `SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = 'warehouse' AND tablename = 'stock'`))[0].n).toBeGreaterThan(0);
    const pending = await query(dbUrls.logistics, `SELECT relname, n_mod_since_analyze, n_dead_tup, n_ins_since_vacuum FROM pg_stat_user_tables
      WHERE n_mod_since_analyze > 0 OR n_dead_tup > 0 OR n_ins_since_vacuum > 0`);
    expect(pending).toEqual([]);

    // The templates take no connection (a clone would fail while one is open).
    const templates = await query(adminUrl, `SELECT datname, datallowconn, datistemplate FROM pg_database WHERE datname LIKE '%\\_template' ORDER BY datname`);
    expect(templates).toEqual(SERVICES.domains.map((d) => `${d}_template`).sort().map((datname) => ({ datname, datallowconn: false, datistemplate: true })));

    // A second run re-seeds its templates over the first run's.
    const again = await cellDatabases({ urls: dbUrls, adminUrl }, SERVICES, SIZE);
    await again.reset();
    expect(await fingerprint()).toEqual(seeded);
  });

  it('without one (compose, env, URL): every cell reseeds, vacuums and checkpoints', async () => {
    const fresh = await cellDatabases({ urls: dbUrls }, SERVICES, SIZE);
    expect(fresh.method).toBe(RESEED_METHOD);
    await query(dbUrls.logistics, `UPDATE warehouse.stock SET on_hand = 0 WHERE sku = 'SKU-000002'`);
    expect(await fresh.reset()).toMatchObject({ method: RESEED_METHOD });
    expect((await query(dbUrls.logistics, `SELECT on_hand FROM warehouse.stock WHERE sku = 'SKU-000002'`))[0].on_hand).toBeGreaterThan(0);
    const pending = await query(dbUrls.logistics, `SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > 0 OR n_mod_since_analyze > 0`);
    expect(pending).toEqual([]);
  });
});
