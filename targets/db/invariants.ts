// Checks, after a run, what must hold whatever the wiring: stock conserved, one payment per order,
// no order without a reservation, no money or stock held by a saga that stopped half way (docs/saga.md),
// every outbox event consumed exactly once. Reads every database
// directly: it is an auditor, not a service.
import pg from 'pg';
import type { ServiceList } from '../kit/service-list.js';
import type { DbUrls } from './domains.js';
import { relayBehind, seconds, type InvariantCheck, type InvariantReport, type OutboxState } from './invariant-report.js';
import { quoteIdent } from './prepare.js';

export type { InvariantCheck, InvariantReport, OutboxState };

type Query = (domain: string, sql: string) => Promise<any[]>;

/**
 * How long to wait for the relay. It keeps waiting while the backlog shrinks (a loaded run can leave
 * minutes of events); a backlog that has not shrunk for stallMs is a stuck relay. maxWaitMs 0: judge
 * the backlog as it is (a database left by a run, no relay running).
 */
export interface DrainWait { maxWaitMs: number; stallMs: number; }
// The stall window outlasts one relay delivery that runs into its 5 s deadline and is retried.
export const DRAIN_WAIT: DrainWait = { maxWaitMs: 120_000, stallMs: 10_000 };
const POLL_MS = 100;

export async function checkInvariants(urls: DbUrls, services: ServiceList, wait: Partial<DrainWait> = {}): Promise<InvariantReport> {
  const clients = new Map<string, pg.Client>();
  const q: Query = async (domain, sql) => {
    if (!clients.has(domain)) {
      const c = new pg.Client({ connectionString: urls[domain] });
      await c.connect();
      clients.set(domain, c);
    }
    return (await clients.get(domain)!.query(sql)).rows;
  };
  try {
    const drainWait = { ...DRAIN_WAIT, ...wait };
    const outbox = await waitForOutboxDrain(q, drainWait);
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

    const orders = await q('commerce', 'SELECT order_id, payment_id, reservation_id, status FROM "order".orders');
    const payments = await q('commerce', `SELECT payment_id, order_id, status FROM payment.payments`);
    const authorizedByOrder = new Map<string, number>();
    for (const p of payments) if (p.status === 'AUTHORIZED') authorizedByOrder.set(p.order_id, (authorizedByOrder.get(p.order_id) ?? 0) + 1);
    const paymentById = new Map(payments.map((p) => [p.payment_id, p]));
    check('one authorized payment per order', orders.filter((o) => authorizedByOrder.get(o.order_id) !== 1 || paymentById.get(o.payment_id)?.status !== 'AUTHORIZED')
      .map((o) => `${o.order_id}: ${authorizedByOrder.get(o.order_id) ?? 0} authorized payments`), orders.length, 'orders');
    const orderIds = new Set(orders.map((o) => o.order_id));
    const declined = payments.filter((p) => p.status === 'DECLINED');
    check('no order for a declined payment', declined.filter((p) => orderIds.has(p.order_id)).map((p) => p.order_id), declined.length, 'declined payments');
    // Money taken for nothing: a saga that stopped between the charge and the order, with nobody left to finish it.
    const authorized = payments.filter((p) => p.status === 'AUTHORIZED');
    check('no authorized payment without an order', authorized.filter((p) => !orderIds.has(p.order_id)).map((p) => `${p.payment_id} for ${p.order_id}`), authorized.length, 'authorized payments');

    const voided = payments.filter((p) => p.status === 'VOIDED');
    check('no order whose payment is voided', voided.filter((p) => orderIds.has(p.order_id)).map((p) => `${p.order_id}: payment ${p.payment_id} voided`), voided.length, 'voided payments');

    const reservations = new Map((await q('logistics', 'SELECT reservation_id, order_id, status FROM warehouse.reservations')).map((r) => [r.reservation_id, r]));
    // Held stock: a saga that reserved and then stopped without an order or a release. Read after the drain,
    // with the orders read above: a checkout still in flight then would show here, so a run is checked once its load is over.
    const held = [...reservations.values()].filter((r) => r.status === 'RESERVED' && !orderIds.has(r.order_id));
    check('no reservation held without an order', held.map((r) => `${r.reservation_id} for ${r.order_id}`), reservations.size, 'reservations');

    // A refund is money handed back for a return: its order must say so, and its units be back on the shelf.
    const refunded = await q('commerce', 'SELECT DISTINCT p.order_id FROM payment.refunds r JOIN payment.payments p USING (payment_id)');
    const orderStatus = new Map(orders.map((o) => [o.order_id, o.status]));
    const restocked = new Set((await q('logistics', 'SELECT order_id FROM warehouse.restocks WHERE units > 0')).map((r) => r.order_id));
    check('every refunded payment\'s order is REFUNDED and restocked', refunded
      .filter((r) => orderStatus.get(r.order_id) !== 'REFUNDED' || !restocked.has(r.order_id))
      .map((r) => `${r.order_id}: order ${orderStatus.get(r.order_id) ?? 'missing'}, ${restocked.has(r.order_id) ? 'restocked' : 'not restocked'}`), refunded.length, 'refunded payments');

    check('no order without a reservation', orders.filter((o) => { const r = reservations.get(o.reservation_id); return !r || r.order_id !== o.order_id || r.status === 'RELEASED'; })
      .map((o) => `${o.order_id}: reservation ${o.reservation_id} ${reservations.get(o.reservation_id)?.status ?? 'missing'}`), orders.length, 'orders');

    const events = await q('commerce', 'SELECT event_id, type FROM "order".outbox');
    // Read after the events: an event delivered by now has been consumed by every subscriber before the reads below.
    const undelivered = new Set(await undeliveredEvents(q));
    checks.push(outboxCheck(outbox, drainWait, events.length, [...undelivered].slice(0, 3)));
    // A dead letter is an event a subscriber never applied: breakage, whatever the latency.
    const dead = await q('commerce', 'SELECT event_id, consumer, error FROM "order".outbox_dead ORDER BY event_id, consumer');
    check('no event dead-lettered', dead.map((d) => `${d.event_id} for ${d.consumer} (${d.error})`), events.length, 'events');
    const consumed = new Map<string, Set<string>>();
    for (const consumer of new Set(Object.keys(services.subscribers).flatMap(services.consumersOf))) {
      const rows = await q(services.domainOf(consumer), `SELECT event_id FROM ${quoteIdent(consumer)}.processed_events`);
      consumed.set(consumer, new Set(rows.map((r) => r.event_id)));
    }
    // An event still undelivered may be consumed by some subscribers and not yet by others: lag, judged by the outbox check above.
    // Once per subscriber is the primary key of processed_events; what is left to catch is an event consumed that it never had.
    const missing: string[] = [];
    for (const e of events) {
      for (const consumer of services.consumersOf(e.type)) {
        if (!consumed.get(consumer)!.has(e.event_id) && !undelivered.has(e.event_id)) missing.push(`${e.event_id} delivered but not consumed by ${consumer}`);
      }
    }
    // Read the outbox again, after the consumers: an order committed by a request still in flight after the
    // first read may have been delivered since, and an event consumed by now is in the outbox by now.
    const expected = new Map<string, Set<string>>([...consumed.keys()].map((c) => [c, new Set()]));
    for (const e of await q('commerce', 'SELECT event_id, type FROM "order".outbox')) {
      for (const consumer of services.consumersOf(e.type)) expected.get(consumer)!.add(e.event_id);
    }
    for (const [consumer, ids] of consumed) for (const id of ids) if (!expected.get(consumer)!.has(id)) missing.push(`${consumer} processed ${id}, not one of its outbox events`);
    check('every outbox event consumed once by each subscriber', missing, events.length, 'events');

    return { ok: checks.every((c) => c.ok), checks, orders: orders.length, events: events.length, outbox };
  } finally {
    await Promise.all([...clients.values()].map((c) => c.end()));
  }
}

// The only two places that know how the outbox marks an event delivered.
const backlog = async (q: Query): Promise<number> => (await q('commerce', 'SELECT count(*)::int AS n FROM "order".outbox WHERE done_at IS NULL'))[0].n;
const undeliveredEvents = async (q: Query): Promise<string[]> =>
  (await q('commerce', 'SELECT event_id FROM "order".outbox WHERE done_at IS NULL ORDER BY seq')).map((r) => r.event_id);

/** Events are delivered asynchronously: wait while the relay makes progress, then say where it stood. */
async function waitForOutboxDrain(q: Query, wait: DrainWait): Promise<OutboxState> {
  const began = Date.now();
  let samples: { t: number; n: number }[] = [];
  let fewest = Infinity;
  let progressAt: number | undefined;
  for (;;) {
    const n = await backlog(q);
    const t = Date.now();
    if (n < fewest) {
      if (fewest !== Infinity) progressAt = t;
      fewest = n;
    }
    // Keep the last stall window, and the sample just before it, to measure the rate over a whole window.
    samples.push({ t, n });
    const inWindow = samples.findIndex((s) => s.t >= t - wait.stallMs);
    samples = samples.slice(Math.max(0, inWindow - 1));
    const stalled = t - (progressAt ?? began) >= wait.stallMs;
    const atCap = t - began >= wait.maxWaitMs;
    if (n === 0 || stalled || atCap) {
      const first = samples[0];
      const drainRatePerS = t > first.t ? Math.max(0, (first.n - n) / ((t - first.t) / 1000)) : 0;
      // At the cap, a backlog that shrank within the last window is a relay behind; one that did not is stuck.
      const state = n === 0 ? 'drained' : !stalled && progressAt !== undefined ? 'behind' : 'stuck';
      return { state, undelivered: n, waitedS: (t - began) / 1000, drainRatePerS };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function outboxCheck(o: OutboxState, wait: DrainWait, events: number, examples: string[]): InvariantCheck {
  const name = 'outbox delivered (no event stuck)';
  if (o.state === 'drained') return { name, ok: true, detail: `${events} events delivered` };
  if (o.state === 'behind') {
    return { name, ok: true, detail: `${relayBehind(o, events)} (not stuck)` };
  }
  const how = wait.maxWaitMs > 0 ? `the backlog did not shrink during the last ${seconds(Math.min(o.waitedS, wait.stallMs / 1000))} s` : 'not waited for';
  return { name, ok: false, detail: `${o.undelivered} of ${events} events undelivered (${how}), e.g. ${examples.join('; ')}` };
}
