// npm run invariants -- --db <…>: checks a database left by a run (library: targets/db/invariants.ts).
import { DB_HELP, openDatabases } from '../targets/db/connect.js';
import { checkInvariants } from '../targets/db/invariants.js';
import { SERVICES } from '../targets/services.js';
import { args, log, onShutdown } from './cli.js';

const USAGE = `usage: npm run invariants -- [--db embedded|env|<url template>]\n  ${DB_HELP}\n  exit 0 when every invariant holds, 1 when one is broken`;
const { values } = args({ db: { type: 'string', default: 'embedded' } }, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

const shutdown = onShutdown();
try {
  const db = await openDatabases(values.db, SERVICES.domains, log);
  shutdown.add(db.stop);
  const report = await checkInvariants(db.urls, SERVICES, { maxWaitMs: 0 });
  for (const c of report.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`);
  await shutdown.run(report.ok ? 0 : 1);
} catch (e) {
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}
