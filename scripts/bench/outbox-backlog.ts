// A synthetic backlog for the relay benchmark: `orders` paid orders as checkout would have left them
// (order + line + authorized payment + open reservation with its stock held + the order.created and
// order.paid events in the outbox), written straight into the databases in two transactions, with the
// outbox's last. The relay sees the whole backlog at once, when the commerce transaction commits;
// every invariant holds once it is drained.
import pg from 'pg';
import type { DbUrls } from '../../targets/db/domains.js';
import type { SeedSize } from '../../targets/db/seed-data.js';

/** Largest backlog the seed's stock can hold: every order takes one unit of a non-scarce SKU (seeded with ≥ 20). */
export const maxBacklogOrders = (seed: SeedSize) => seed.skus * 19;

// Order g's ids and facts, computed in SQL from generate_series so 25,000 orders cost one statement each.
const IDS = `g, 'ord-backlog-' || lpad(g::text, 7, '0') AS order_id, 'res-backlog-' || lpad(g::text, 7, '0') AS reservation_id,
  'SKU-' || lpad((CASE WHEN ((g - 1) % $2 + 1) % 500 = 0 THEN (g - 1) % $2 ELSE (g - 1) % $2 + 1 END)::text, 6, '0') AS sku,
  'cust-' || lpad(((g - 1) % $3 + 1)::text, 5, '0') AS customer_id, (ARRAY['NA', 'EU', 'APAC'])[g % 3 + 1] AS zone,
  1000 + g % 5000 AS total_cents FROM generate_series(1, $1::int) AS g`;

export async function writeBacklog(urls: DbUrls, orders: number, seed: SeedSize): Promise<{ events: number; committedAt: Date }> {
  if (orders > maxBacklogOrders(seed)) throw new Error(`a backlog of ${orders} orders needs more stock than ${seed.skus} SKUs hold (at most ${maxBacklogOrders(seed)} orders)`);
  const values = [orders, seed.skus, seed.customers];
  await inTx(urls.logistics, async (c) => {
    await c.query(`WITH b AS (SELECT ${IDS}),
        r AS (INSERT INTO warehouse.reservations (reservation_id, order_id, status) SELECT reservation_id, order_id, 'RESERVED' FROM b),
        l AS (INSERT INTO warehouse.reservation_lines (reservation_id, sku, qty) SELECT reservation_id, sku, 1 FROM b)
      UPDATE warehouse.stock s SET on_hand = s.on_hand - n.units, reserved = s.reserved + n.units
      FROM (SELECT sku, count(*)::int AS units FROM b GROUP BY sku) n WHERE s.sku = n.sku`, values);
  });
  // The database's own clock read right after the commit, on the same connection: the drain's start on
  // the clock its end (done_at) is read from.
  const committedAt = await inTx(urls.commerce, async (c) => {
    await c.query(`WITH b AS (SELECT ${IDS}),
        o AS (INSERT INTO "order".orders (order_id, customer_id, status, currency, subtotal_cents, discount_cents, tax_cents, shipping_cents,
                                          total_cents, payment_id, reservation_id, zone, weight_grams)
              SELECT order_id, customer_id, 'PAID', 'USD', total_cents, 0, 0, 0, total_cents, 'pay-' || order_id, reservation_id, zone, 500 FROM b ORDER BY g),
        l AS (INSERT INTO "order".order_lines (order_id, line_no, sku, qty, unit_cents, line_cents) SELECT order_id, 1, sku, 1, total_cents, total_cents FROM b),
        p AS (INSERT INTO payment.payments (payment_id, order_id, customer_id, amount_cents, currency, status, fraud_score, decline_reason, idempotency_key)
              SELECT 'pay-' || order_id, order_id, customer_id, total_cents, 'USD', 'AUTHORIZED', 0, '', 'backlog-' || order_id FROM b)
      INSERT INTO "order".outbox (event_id, type, payload)
      SELECT b.order_id || ':' || e.suffix, e.type, jsonb_build_object('eventId', b.order_id || ':' || e.suffix, 'type', e.type, 'orderId', b.order_id,
               'customerId', b.customer_id, 'totalCents', b.total_cents, 'reservationId', b.reservation_id, 'zone', b.zone, 'weightGrams', 500)
      FROM b CROSS JOIN (VALUES (1, 'created', 'order.created'), (2, 'paid', 'order.paid')) AS e(n, suffix, type) ORDER BY b.g, e.n`, values);
  }, async (c) => (await c.query('SELECT clock_timestamp() AS t')).rows[0].t as Date);
  return { events: orders * 2, committedAt: committedAt! };
}

async function inTx<T>(url: string, work: (c: pg.Client) => Promise<void>, afterCommit?: (c: pg.Client) => Promise<T>): Promise<T | undefined> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await work(c);
    await c.query('COMMIT');
    return await afterCommit?.(c);
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    await c.end();
  }
}
