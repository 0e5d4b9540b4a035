// The invariant checker on a real database, with the outbox driven by hand: a relay still delivering
// is lag (reported, not broken), a relay that delivers nothing is broken, and so is an event marked
// delivered that a subscriber never consumed.
import pg from 'pg';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { SERVICES } from '../services.js';
import { describeInvariants } from './invariant-report.js';
import { checkInvariants } from './invariants.js';
import { prepareDatabases } from './prepare.js';

const dbUrls = inject('dbUrls');
const commerce = new pg.Pool({ connectionString: dbUrls.commerce, max: 2 });
const logistics = new pg.Pool({ connectionString: dbUrls.logistics, max: 2 });
afterAll(async () => { await commerce.end(); await logistics.end(); });

const OUTBOX_CHECK = 'outbox delivered (no event stuck)';
const CONSUMED_CHECK = 'every outbox event consumed once by each subscriber';

/** order.paid has one subscriber (fulfillment): the smallest event to deliver by hand. */
async function addEvents(n: number) {
  for (let i = 0; i < n; i++) await commerce.query(`INSERT INTO "order".outbox (event_id, type, payload) VALUES ($1, 'order.paid', '{}')`, [`ord-${i}:paid`]);
}
async function deliverNext(): Promise<boolean> {
  const { rows } = await commerce.query(`SELECT event_id FROM "order".outbox WHERE done_at IS NULL ORDER BY seq LIMIT 1`);
  if (!rows.length) return false;
  await logistics.query(`INSERT INTO fulfillment.processed_events (event_id) VALUES ($1)`, [rows[0].event_id]);
  await commerce.query(`UPDATE "order".outbox SET done_at = now() WHERE event_id = $1`, [rows[0].event_id]);
  return true;
}

describe('checkInvariants', () => {
  beforeEach(() => prepareDatabases(dbUrls, SERVICES, { skus: 1_000, customers: 20 }));

  it('a drained outbox: every check holds, the relay reported drained', async () => {
    await addEvents(3);
    while (await deliverNext());
    const r = await checkInvariants(dbUrls, SERVICES, { maxWaitMs: 2_000, stallMs: 500 });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.outbox).toMatchObject({ state: 'drained', undelivered: 0 });
    expect(describeInvariants(r)).toBe('OK');
  });

  it('a relay still delivering when the wait ends is lag: reported with its rate, no check false', async () => {
    await addEvents(200);
    let delivering = true;
    const relay = (async () => { while (delivering && await deliverNext()) await new Promise((r) => setTimeout(r, 50)); })();
    try {
      const r = await checkInvariants(dbUrls, SERVICES, { maxWaitMs: 1_500, stallMs: 1_000 });
      expect(r.checks.filter((c) => !c.ok)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.outbox!.state).toBe('behind');
      expect(r.outbox!.undelivered).toBeGreaterThan(0);
      expect(r.outbox!.drainRatePerS).toBeGreaterThan(0);
      expect(describeInvariants(r)).toMatch(/^OK, relay behind: \d+ of 200 events undelivered after waiting [\d.]+ s, draining at [\d.]+ events\/s$/);
    } finally {
      delivering = false;
      await relay;
    }
  });

  it('a relay that delivers nothing is broken, found after the stall window rather than the cap, with an example event', async () => {
    await addEvents(5);
    await deliverNext();
    const r = await checkInvariants(dbUrls, SERVICES, { maxWaitMs: 30_000, stallMs: 500 });
    expect(r.ok).toBe(false);
    expect(r.outbox!.state).toBe('stuck');
    expect(r.outbox!.waitedS * 1000).toBeLessThan(30_000 / 4);
    const check = r.checks.find((c) => c.name === OUTBOX_CHECK)!;
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/^4 of 5 events undelivered \(the backlog did not shrink during the last 0\.5 s\), e\.g\. ord-1:paid; ord-2:paid; ord-3:paid$/);
    // Undelivered events are the outbox check's to judge; the consumption check does not count them twice.
    expect(r.checks.find((c) => c.name === CONSUMED_CHECK)!.ok).toBe(true);
    expect(describeInvariants(r)).toBe(`BROKEN: ${OUTBOX_CHECK}: ${check.detail}`);
  });

  it('with no wait (a database left by a run), undelivered events are not called lag', async () => {
    await addEvents(2);
    const r = await checkInvariants(dbUrls, SERVICES, { maxWaitMs: 0 });
    expect(r.outbox!.state).toBe('stuck');
    expect(r.checks.find((c) => c.name === OUTBOX_CHECK)!.detail).toContain('(not waited for)');
  });

  it('an event marked delivered but never consumed, or consumed without being in the outbox, is broken', async () => {
    await addEvents(2);
    await commerce.query(`UPDATE "order".outbox SET done_at = now() WHERE event_id = 'ord-0:paid'`);
    await deliverNext();
    await logistics.query(`INSERT INTO fulfillment.processed_events (event_id) VALUES ('ghost:paid')`);
    const r = await checkInvariants(dbUrls, SERVICES, { maxWaitMs: 1_000, stallMs: 500 });
    expect(r.outbox!.state).toBe('drained');
    const check = r.checks.find((c) => c.name === CONSUMED_CHECK)!;
    expect(check.ok).toBe(false);
    expect(check.detail).toBe('2 of 2 events violate it, e.g. ord-0:paid delivered but not consumed by fulfillment; fulfillment processed ghost:paid, not one of its outbox events');
    expect(describeInvariants(r)).toBe(`BROKEN: ${CONSUMED_CHECK}: ${check.detail}`);
  });

  it('money taken for no order: an authorized payment whose order does not exist is broken', async () => {
    await commerce.query(`INSERT INTO payment.payments (payment_id, order_id, customer_id, amount_cents, currency, status, fraud_score, decline_reason, idempotency_key)
      VALUES ('pay-lost', 'ord-lost', 'cust-00001', 1000, 'USD', 'AUTHORIZED', 0, '', 'chk-ord-lost')`);
    const r = await checkInvariants(dbUrls, SERVICES, { maxWaitMs: 0 });
    expect(r.checks.find((c) => c.name === 'no authorized payment without an order')).toMatchObject({ ok: false, detail: expect.stringContaining('pay-lost for ord-lost') });
  });

  it('a saga stopped half way: an order on a voided payment, stock held for no order, a refund whose order is not REFUNDED', async () => {
    await commerce.query(`INSERT INTO payment.payments (payment_id, order_id, customer_id, amount_cents, currency, status, fraud_score, decline_reason, idempotency_key)
      VALUES ('pay-v', 'ord-v', 'cust-00001', 1000, 'USD', 'VOIDED', 0, '', 'chk-ord-v'), ('pay-r', 'ord-r', 'cust-00001', 1000, 'USD', 'AUTHORIZED', 0, '', 'chk-ord-r')`);
    await commerce.query(`INSERT INTO "order".orders (order_id, customer_id, status, currency, subtotal_cents, discount_cents, tax_cents, shipping_cents, total_cents, payment_id, reservation_id, zone, weight_grams)
      VALUES ('ord-v', 'cust-00001', 'PAID', 'USD', 1000, 0, 0, 0, 1000, 'pay-v', 'res-v', 'Z1', 1), ('ord-r', 'cust-00001', 'PAID', 'USD', 1000, 0, 0, 0, 1000, 'pay-r', 'res-r', 'Z1', 1)`);
    await commerce.query(`INSERT INTO payment.refunds (refund_id, payment_id, amount_cents, idempotency_key) VALUES ('rfd-r', 'pay-r', 1000, 'ret-ord-r')`);
    await logistics.query(`INSERT INTO warehouse.reservations (reservation_id, order_id, status) VALUES ('res-v', 'ord-v', 'COMMITTED'), ('res-r', 'ord-r', 'COMMITTED'), ('res-held', 'ord-held', 'RESERVED')`);
    const r = await checkInvariants(dbUrls, SERVICES, { maxWaitMs: 0 });
    const failed = Object.fromEntries(r.checks.filter((c) => !c.ok).map((c) => [c.name, c.detail]));
    expect(failed).toEqual({
      'one authorized payment per order': expect.stringContaining('ord-v: 0 authorized payments'),
      'no order whose payment is voided': expect.stringContaining('ord-v: payment pay-v voided'),
      'no reservation held without an order': expect.stringContaining('res-held for ord-held'),
      "every refunded payment's order is REFUNDED and restocked": expect.stringContaining('ord-r: order PAID, not restocked'),
    });
  });
});
