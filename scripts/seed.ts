// npm run seed -- --db <…>: migrates and seeds every domain database afresh (what bench and serve do
// before starting a wiring). The compose `seed` service and the Kubernetes seed Job run it before the
// services start.
import { DB_HELP, openDatabases } from '../targets/db/connect.js';
import { prepareDatabases } from '../targets/db/prepare.js';
import { DEFAULT_SEED } from '../targets/db/seed-data.js';
import { SERVICES } from '../targets/services.js';
import { args, intFlag, log, onShutdown } from './cli.js';

const USAGE = `usage: npm run seed -- [--db embedded|compose|env|<url template>] [--skus ${DEFAULT_SEED.skus}] [--customers ${DEFAULT_SEED.customers}]
  drops, migrates and seeds every service schema of every domain database
  database: ${DB_HELP}`;
const { values } = args({ db: { type: 'string', default: 'embedded' }, skus: { type: 'string' }, customers: { type: 'string' } }, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

const shutdown = onShutdown();
const size = { skus: intFlag(values.skus, 'skus', DEFAULT_SEED.skus), customers: intFlag(values.customers, 'customers', DEFAULT_SEED.customers) };
try {
  const started = Date.now();
  const db = await openDatabases(values.db, SERVICES.domains, log);
  shutdown.add(db.stop);
  await prepareDatabases(db.urls, SERVICES, size, log);
  log(`seeded ${size.skus} SKUs and ${size.customers} customers into ${db.kind} in ${Date.now() - started} ms`);
  await shutdown.run(0);
} catch (e) {
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}
