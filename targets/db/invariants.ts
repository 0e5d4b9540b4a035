// Checks, after a run, what must hold whatever the wiring: stock conserved, one payment per order,
// no order without a reservation, every outbox event consumed exactly once. Reads every database
// directly: it is an auditor, not a service.
import pg from 'pg';
import { SUBSCRIPTIONS } from '../domains/commerce/order/subscriptions.js';
import { domainOf, type DbUrls, type Domain } from './domains.js';
import { quoteIdent } from './prepare.js';

export interface InvariantCheck { name: string; ok: boolean; detail: string; }
export interface InvariantReport { ok: boolean; checks: InvariantCheck[]; orders: number; events: number; }

type Query = (domain: Domain, sql: string) => Promise<any[]>;

export async function checkInvariants(urls: DbUrls, opts: { drainTimeoutMs?: number } = {}): Promise<InvariantReport> {
  const clients = new Map<Domain, pg.Client>();
  const q: Query = async (domain, sql) => {
    if (!clients.has(domain)) {
      const c = new pg.Client({ connectionString: urls[domain] });
      await c.connect();
      clients.set(domain, c);
    }
    return (await clients.get(domain)!.query(sql)).rows;
  };
  try {
    const undelivered = await waitForOutboxDrain(q, opts.drainTimeoutMs ?? 15_000);
    const checks: InvariantCheck[] = [];
    const check = (name: string, bad: string[], total: number, what: string) =>
      checks.push({ name, ok: bad.length === 0, detail: bad.length === 0 ? `${total} ${what} checked` : `${bad.length} of ${total} ${what} violate it, e.g. ${bad.slice(0, 3).join('; ')}` });

    const stock = await q('logistics', `SELECT sku, on_hand, reserved, sold, seeded FROM warehouse.stock WHERE on_hand + reserved + sold <> seeded OR on_hand < 0 OR reserved < 0 OR sold < 0`);
    const skus = (await q('logistics', 'SELECT count(*)::int AS n FROM warehouse.stock'))[0].n;
    check('stock conserved (on hand + reserved + sold = seeded)', stock.map((r) => `${r.sku}: ${r.on_hand}+${r.reserved}+${r.sold}≠${r.seeded}`), skus, 'SKUs');

    const reservedMismatch = await q('logistics', `
      SELECT s.sku, s.reserved, coalesce(l.qty, 0) AS held FROM warehouse.stock s
      LEFT JOIN (SELECT rl.sku, sum(rl.qty)::int AS qty FROM warehouse.reservation_lines rl
                 JOIN warehouse.reservations r USING (reservation_id) WHERE r.status = 'RESERVED' GROUP BY rl.sku) l USING (sku)
      WHERE s.reserved <> coalesce(l.qty, 0)`);
    check('reserved stock equals open reservations', reservedMismatch.map((r) => `${r.sku}: reserved ${r.reserved}, reservations hold ${r.held}`), skus, 'SKUs');

    const orders = await q('commerce', 'SELECT order_id, payment_id, reservation_id FROM "order".orders');
    const payments = await q('commerce', `SELECT payment_id, order_id, status FROM payment.payments`);
    const authorizedByOrder = new Map<string, number>();
    for (const p of payments) if (p.status === 'AUTHORIZED') authorizedByOrder.set(p.order_id, (authorizedByOrder.get(p.order_id) ?? 0) + 1);
    const paymentById = new Map(payments.map((p) => [p.payment_id, p]));
    check('one authorized payment per order', orders.filter((o) => authorizedByOrder.get(o.order_id) !== 1 || paymentById.get(o.payment_id)?.status !== 'AUTHORIZED')
      .map((o) => `${o.order_id}: ${authorizedByOrder.get(o.order_id) ?? 0} authorized payments`), orders.length, 'orders');
    const orderIds = new Set(orders.map((o) => o.order_id));
    const declined = payments.filter((p) => p.status === 'DECLINED');
    check('no order for a declined payment', declined.filter((p) => orderIds.has(p.order_id)).map((p) => p.order_id), declined.length, 'declined payments');

    const reservations = new Map((await q('logistics', 'SELECT reservation_id, order_id, status FROM warehouse.reservations')).map((r) => [r.reservation_id, r]));
    check('no order without a reservation', orders.filter((o) => { const r = reservations.get(o.reservation_id); return !r || r.order_id !== o.order_id || r.status === 'RELEASED'; })
      .map((o) => `${o.order_id}: reservation ${o.reservation_id} ${reservations.get(o.reservation_id)?.status ?? 'missing'}`), orders.length, 'orders');

    const events = await q('commerce', 'SELECT event_id, type FROM "order".outbox');
    const dead = await q('commerce', 'SELECT event_id, consumer, error FROM "order".outbox_dead ORDER BY event_id, consumer');
    check('outbox drained', [
      ...(undelivered > 0 ? [`${undelivered} events still undelivered`] : []),
      ...dead.map((d) => `${d.event_id} dead-lettered for ${d.consumer} (${d.error})`),
    ], events.length, 'events');
    const consumed = new Map<string, Set<string>>();
    for (const consumer of new Set(Object.values(SUBSCRIPTIONS).flat())) {
      const rows = await q(domainOf(consumer), `SELECT event_id FROM ${quoteIdent(consumer)}.processed_events`);
      consumed.set(consumer, new Set(rows.map((r) => r.event_id)));
    }
    const missing: string[] = [];
    for (const e of events) {
      for (const consumer of SUBSCRIPTIONS[e.type] ?? []) if (!consumed.get(consumer)!.has(e.event_id)) missing.push(`${e.event_id} not consumed by ${consumer}`);
    }
    const expected = new Map<string, number>();
    for (const e of events) for (const consumer of SUBSCRIPTIONS[e.type] ?? []) expected.set(consumer, (expected.get(consumer) ?? 0) + 1);
    for (const [consumer, ids] of consumed) if (ids.size !== (expected.get(consumer) ?? 0)) missing.push(`${consumer} processed ${ids.size} events, expected ${expected.get(consumer) ?? 0}`);
    check('every outbox event consumed once by each subscriber', missing, events.length, 'events');

    return { ok: checks.every((c) => c.ok), checks, orders: orders.length, events: events.length };
  } finally {
    await Promise.all([...clients.values()].map((c) => c.end()));
  }
}

/** Events are delivered asynchronously: wait for the relay to catch up before judging. */
async function waitForOutboxDrain(q: Query, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = (await q('commerce', 'SELECT count(*)::int AS n FROM "order".outbox WHERE done_at IS NULL'))[0].n;
    if (n === 0 || Date.now() > until) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}
