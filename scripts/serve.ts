// npm run serve -- --wiring <name>: one wiring with its database, until Ctrl-C.
import { DB_HELP, openDatabases } from '../targets/db/connect.js';
import { DEFAULT_SEED, PAYMENT_OK, skuId, token } from '../targets/db/seed-data.js';
import { prepareDatabases } from '../targets/db/prepare.js';
import { SERVICES } from '../targets/services.js';
import { DEPLOYED_WIRINGS, EXTRACT_HELP, LADDER_WIRINGS } from '../targets/wirings/placement.js';
import { startWiring } from '../targets/wirings/supervisor.js';
import { args, intFlag, log, onShutdown } from './cli.js';

const USAGE = `usage: npm run serve -- --wiring <name> [--port 8080] [--db embedded] [--skus N] [--customers N] [--inject-delay svc=ms,…]
  wirings: ${[...DEPLOYED_WIRINGS, ...LADDER_WIRINGS].join(', ')}, ${EXTRACT_HELP}
  database: ${DB_HELP}`;

const { values } = args({
  wiring: { type: 'string', default: 'monolith' }, port: { type: 'string' }, db: { type: 'string', default: 'embedded' },
  skus: { type: 'string' }, customers: { type: 'string' }, 'inject-delay': { type: 'string' },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

const shutdown = onShutdown();
const size = { skus: intFlag(values.skus, 'skus', DEFAULT_SEED.skus), customers: intFlag(values.customers, 'customers', DEFAULT_SEED.customers) };
const port = values.port === undefined ? 8080 : intFlag(values.port, 'port', 8080, 0);

try {
  const started = Date.now();
  const db = await openDatabases(values.db, SERVICES.domains, log);
  shutdown.add(db.stop);
  log(`database: ${db.kind}; migrating and seeding ${size.skus} SKUs, ${size.customers} customers…`);
  await prepareDatabases(db.urls, SERVICES, size);
  const wiring = await startWiring({ wiring: values.wiring!, dbUrls: db.urls, gatewayPort: port, injectDelay: values['inject-delay'], log });
  shutdown.add(wiring.stop);
  void wiring.died.then((why) => { log(`${why}; stopping`); void shutdown.run(1); });
  const url = wiring.gatewayUrl;
  console.log(`
splitbench ${wiring.wiring.name}: ${wiring.pids.length} process(es) (pids ${wiring.pids.join(' ')}), ready in ${Date.now() - started} ms
gateway: ${url}

  curl -s -X POST ${url}/api/checkout -H 'authorization: Bearer ${token(1)}' -H 'idempotency-key: try-1' -H 'content-type: application/json' -d '{"lines":[{"sku":"${skuId(42)}","qty":1}],"paymentToken":"${PAYMENT_OK}"}'
  curl -s ${url}/api/products/${skuId(42)}
  curl -s '${url}/api/search?q=speaker&limit=5'
  curl -s ${url}/api/orders -H 'authorization: Bearer ${token(1)}'
  curl -s -X POST ${url}/api/returns -H 'authorization: Bearer ${token(1)}' -H 'idempotency-key: return-1' -H 'content-type: application/json' -d '{"orderId":"<orderId from the checkout>"}'

Ctrl-C stops every process and the database.`);
} catch (e) {
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}
