// The promise a client relies on after a failed checkout: nothing was bought. Read from the commerce
// database after the run (and the relay's drain): how many of the checkouts the client finally saw
// fail have an order anyway. Each checkout's order id follows from its customer and key.
import pg from 'pg';
import type { DbUrls } from '../../targets/db/domains.js';
import { customerId } from '../../targets/db/seed-data.js';
import { orderIdFor } from '../../targets/domains/commerce/checkout/index.js';
import type { FailedCheckout } from '../../results/run.js';

export async function placedOrders(urls: DbUrls, failed: FailedCheckout[]): Promise<number> {
  if (!failed.length) return 0;
  const ids = failed.map((f) => orderIdFor(customerId(f.customer), f.idempotencyKey));
  const c = new pg.Client({ connectionString: urls.commerce });
  await c.connect();
  try {
    return (await c.query('SELECT count(*)::int AS n FROM "order".orders WHERE order_id = ANY($1)', [ids])).rows[0].n;
  } finally {
    await c.end();
  }
}
