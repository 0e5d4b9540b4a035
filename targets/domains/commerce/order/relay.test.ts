// The relay against a real outbox, with consumers that record what they are handed: one call per
// consumer per batch, every event to each of its subscribers, and an event that always fails
// retried, then dead-lettered for that consumer alone while every other event goes through.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { prepareDatabases } from '../../../db/prepare.js';
import { servicePool } from '../../../db/pools.js';
import { serviceList } from '../../../kit/service-list.js';
import order from './index.js';
import { relay, type BatchConsumer, type EventMsg } from './relay.js';

const dbUrls = inject('dbUrls');
const POISON = 'ord-7:created';

const event = (n: number, type: 'order.created' | 'order.paid'): EventMsg => ({
  eventId: `ord-${n}:${type === 'order.created' ? 'created' : 'paid'}`, type, orderId: `ord-${n}`, customerId: 'cust-00001',
  totalCents: 100, reservationId: `res-${n}`, zone: 'EU', weightGrams: 1,
});

describe('outbox relay', () => {
  let db: pg.Pool;
  const calls: Record<string, number> = {};
  const received: Record<string, string[]> = {};
  const consumer = (name: string, failing = new Set<string>(), throwing = new Set<string>()): BatchConsumer => async (events) => {
    calls[name] = (calls[name] ?? 0) + 1;
    if (events.some((e) => throwing.has(e.eventId))) throw new Error(`${name} cannot take this batch`);
    const ok = events.filter((e) => !failing.has(e.eventId));
    (received[name] ??= []).push(...ok.map((e) => e.eventId));
    return { processed: ok.length, failed: events.filter((e) => failing.has(e.eventId)).map((e) => ({ eventId: e.eventId, reason: 'BAD', message: 'always fails' })) };
  };

  beforeAll(async () => {
    await prepareDatabases(dbUrls, serviceList([order]), { skus: 10, customers: 2 });
    db = servicePool(dbUrls.commerce, 'order', 2);
    const events = Array.from({ length: 60 }, (_, k) => [event(k, 'order.created'), event(k, 'order.paid')]).flat();
    await db.query('INSERT INTO outbox (event_id, type, payload) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])',
      [events.map((e) => e.eventId), events.map((e) => e.type), events.map((e) => JSON.stringify(e))]);
  });
  afterAll(async () => { await db?.end(); });

  it('delivers in batches, isolates a poisonous event and dead-letters it after maxAttempts', async () => {
    const drain = relay(db, {
      'order.created': {
        notification: consumer('notification'),
        analytics: consumer('analytics', new Set([POISON])),
        // Throws for the whole batch that holds the poisonous event: the relay splits it until it fails alone.
        loyalty: consumer('loyalty', new Set(), new Set([POISON])),
        customer: consumer('customer'),
      },
      'order.paid': { fulfillment: consumer('fulfillment') },
    }, { batchSize: 50, maxAttempts: 3, backoffBaseMs: 1, backoffMaxMs: 5 });
    const never = new AbortController().signal;
    for (let round = 0; round < 50; round++) {
      await drain(never);
      const open = (await db.query('SELECT count(*)::int AS n FROM outbox WHERE done_at IS NULL')).rows[0].n;
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await db.query('SELECT count(*)::int AS n FROM outbox WHERE done_at IS NULL')).rows[0].n).toBe(0);

    const created = Array.from({ length: 60 }, (_, k) => event(k, 'order.created').eventId);
    const paid = Array.from({ length: 60 }, (_, k) => event(k, 'order.paid').eventId);
    const once = (ids: string[]) => [...ids].sort();
    expect(once(received.notification)).toEqual(once(created));
    expect(once(received.customer)).toEqual(once(created));
    expect(once(received.fulfillment)).toEqual(once(paid));
    expect(once(received.analytics)).toEqual(once(created.filter((id) => id !== POISON)));
    expect(once(received.loyalty)).toEqual(once(created.filter((id) => id !== POISON)));
    // 120 events in batches of 50: three batches, so three calls to a consumer that never failed.
    expect(calls.notification).toBe(3);
    expect(calls.fulfillment).toBe(3);

    const { rows: dead } = await db.query('SELECT event_id, consumer, attempts FROM outbox_dead ORDER BY consumer');
    expect(dead).toEqual([
      { event_id: POISON, consumer: 'analytics', attempts: 3 },
      { event_id: POISON, consumer: 'loyalty', attempts: 3 },
    ]);
  });
});
