// The outbox relay: delivers committed events to their subscribers at least once, a batch at a time.
// One transaction per batch on the relay's own connection: claim up to `batchSize` due events
// (FOR UPDATE SKIP LOCKED, so a second relay would take other events, never the same), hand each
// consumer its share in one call (the consumer dedupes by event id in the transaction of its effect),
// then mark the batch in one statement: done, or due again later with backoff for the consumers that
// failed, or dead-lettered after `maxAttempts`. A crash before the commit only repeats deliveries.
import type pg from 'pg';
import { Event } from '../../../contracts/common.js';
import type { Contract } from '../../../kit/contract.js';
import { newCtx, type Ctx } from '../../../kit/ctx.js';
import { ServiceError } from '../../../kit/errors.js';
import type { Subscribers } from '../../../kit/implement.js';
import { shape, type Infer } from '../../../kit/schema.js';

export type EventMsg = Infer<typeof Event>;
export interface EventFailure { eventId: string; reason: string; message: string; }
/** A consumer's batch entry point (one call, one transaction on its side). */
export type BatchConsumer = (events: EventMsg[], ctx: Ctx) => Promise<{ processed: number; failed: EventFailure[] }>;
/** Event type → consumer → its batch entry point. */
export type Consumers = Record<string, Record<string, BatchConsumer>>;

/**
 * Each subscriber's batch method, called through the publisher's dependency on the subscriber's
 * contract: the wiring decides, as for any call, whether it is in-process or remote. A subscriber the
 * publisher does not depend on could never be reached, so it fails the start instead.
 */
export function consumersOf(subscribers: Subscribers, contracts: Record<string, Contract>, deps: Record<string, unknown>): Consumers {
  const keyOf = new Map(Object.entries(contracts).map(([key, contract]) => [contract.name, key]));
  const consumers: Consumers = {};
  for (const [type, methods] of Object.entries(subscribers)) {
    consumers[type] = {};
    for (const [service, method] of Object.entries(methods)) {
      const key = keyOf.get(service);
      if (key === undefined) throw new Error(`${service} subscribes to ${type}, but the relay's service has no dependency on ${service}: add its contract to the deps`);
      const api = deps[key] as Record<string, (input: { events: EventMsg[] }, ctx: Ctx) => ReturnType<BatchConsumer>>;
      consumers[type][service] = (events, ctx) => api[method]({ events }, ctx);
    }
  }
  return consumers;
}

export interface RelayOptions {
  batchSize: number;
  /** Failed deliveries of one event to one consumer before it moves to outbox_dead. */
  maxAttempts: number;
  /** Retry delay after the n-th failure: backoffBaseMs × 2^(n−1), at most backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** 500 events keep each consumer's call well under the transports' 4 MiB message limit. */
export const RELAY_DEFAULTS: RelayOptions = { batchSize: 500, maxAttempts: 8, backoffBaseMs: 200, backoffMaxMs: 30_000 };
/** The relay's pause when the outbox has nothing due; a full batch is followed by the next at once. */
export const RELAY_IDLE_MS = 10;
const DELIVERY_TIMEOUT_MS = 5_000;
const BATCHES_IN_FLIGHT = 2;

interface Claimed { event_id: string; type: string; payload: unknown; pending: string[] | null; attempts: number; }

/** Returns a drain: batches back to back while they come back full; resolves with the events it handled. */
export function relay(db: pg.Pool, consumers: Consumers, options: RelayOptions = RELAY_DEFAULTS) {
  // A failing delivery is retried until it is dead-lettered. Say so once per consumer and error, not per
  // event: a consumer that is down fails every event of every batch the same way.
  const reported = new Set<string>();
  const report = (key: string, text: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    console.error(`outbox relay: ${text}`);
  };

  async function batch(): Promise<number> {
    const c = await db.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const { rows } = await c.query<Claimed>({
        name: 'order.relay.claim',
        text: `SELECT event_id, type, payload, pending, attempts FROM outbox
               WHERE done_at IS NULL AND (retry_at IS NULL OR retry_at <= clock_timestamp())
               ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        values: [options.batchSize],
      });
      if (rows.length > 0) await settle(c, rows, await deliver(rows));
      await c.query('COMMIT');
      return rows.length;
    } catch (err) {
      await c.query('ROLLBACK').catch((e: Error) => { broken = e; });
      throw err;
    } finally {
      c.release(broken);
    }
  }

  /** Every consumer's share in parallel; the failures by event, then consumer. */
  async function deliver(rows: Claimed[]): Promise<Map<string, Map<string, string>>> {
    // Keyed by entry point: a consumer with different methods for two event types gets one call for each.
    const shares = new Map<BatchConsumer, { name: string; events: EventMsg[] }>();
    const failures = new Map<string, Map<string, string>>();
    const fail = (eventId: string, consumer: string, why: string) => {
      if (!failures.has(eventId)) failures.set(eventId, new Map());
      failures.get(eventId)!.set(consumer, why);
      report(`${consumer}>${why}`, `${consumer} failed on event ${eventId} (and on any other with the same error, not repeated here): ${why} (will retry)`);
    };
    for (const row of rows) {
      const route = consumers[row.type] ?? {};
      const due = Object.keys(route).filter((name) => !row.pending || row.pending.includes(name));
      let event: EventMsg;
      try { event = shape(Event, row.payload); } catch (err) { for (const name of due) fail(row.event_id, name, (err as Error).message); continue; }
      for (const name of due) {
        if (!shares.has(route[name])) shares.set(route[name], { name, events: [] });
        shares.get(route[name])!.events.push(event);
      }
    }
    const ctx = newCtx(`relay-${rows[0].event_id}`, DELIVERY_TIMEOUT_MS, 'order');
    await Promise.all([...shares].map(async ([consume, { name, events }]) => {
      for (const [eventId, why] of await deliverTo(name, consume, events, ctx)) fail(eventId, name, why);
    }));
    return failures;
  }

  /**
   * One call for the whole share. A call that fails as a whole on something the events could cause is
   * split in halves and retried, so one poisonous event ends up failing alone; a timeout or an
   * unreachable consumer fails the share at once (splitting would only multiply the waiting).
   */
  async function deliverTo(name: string, consume: BatchConsumer, events: EventMsg[], ctx: Ctx): Promise<Map<string, string>> {
    try {
      const ack = await consume(events, ctx);
      return new Map(ack.failed.map((f) => [f.eventId, `${f.reason}: ${f.message}`]));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const whole = err instanceof ServiceError && (err.reason === 'TRANSPORT' || err.code === 'DEADLINE_EXCEEDED' || err.code === 'UNAVAILABLE');
      if (whole || events.length === 1) return new Map(events.map((e) => [e.eventId, why]));
      const half = Math.ceil(events.length / 2);
      return new Map([...(await deliverTo(name, consume, events.slice(0, half), ctx)), ...(await deliverTo(name, consume, events.slice(half), ctx))]);
    }
  }

  async function settle(c: pg.PoolClient, rows: Claimed[], failures: Map<string, Map<string, string>>) {
    const failed = rows.filter((r) => failures.has(r.event_id));
    const attempts = failed.map((r) => r.attempts + 1);
    await c.query({
      name: 'order.relay.settle',
      text: `WITH ok AS (UPDATE outbox SET done_at = clock_timestamp() WHERE event_id = ANY($1::text[])),
                  f AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[]) AS f(id, consumers, error, attempts, delay_ms)),
                  again AS (UPDATE outbox o SET attempts = f.attempts, pending = string_to_array(f.consumers, ','), last_error = f.error,
                              retry_at = clock_timestamp() + f.delay_ms * interval '1 millisecond',
                              done_at = CASE WHEN f.attempts >= $7 THEN clock_timestamp() END
                            FROM f WHERE o.event_id = f.id)
             INSERT INTO outbox_dead (event_id, consumer, attempts, error)
             SELECT f.id, unnest(string_to_array(f.consumers, ',')), f.attempts, f.error FROM f WHERE f.attempts >= $7
             ON CONFLICT DO NOTHING`,
      values: [
        rows.filter((r) => !failures.has(r.event_id)).map((r) => r.event_id),
        failed.map((r) => r.event_id),
        failed.map((r) => [...failures.get(r.event_id)!.keys()].join(',')),
        failed.map((r) => [...failures.get(r.event_id)!].map(([consumer, why]) => `${consumer}: ${why}`).join('; ').slice(0, 2000)),
        attempts,
        attempts.map((n) => Math.min(options.backoffBaseMs * 2 ** (n - 1), options.backoffMaxMs)),
        options.maxAttempts,
      ],
    });
    for (const [i, r] of failed.entries()) {
      if (attempts[i] >= options.maxAttempts) console.error(`outbox relay: event ${r.event_id} dead-lettered for ${[...failures.get(r.event_id)!.keys()].join(', ')} after ${attempts[i]} attempts`);
    }
    // A consumer that took a whole batch has recovered: its next failure is news again.
    const failing = new Set([...failures.values()].flatMap((byConsumer) => [...byConsumer.keys()]));
    for (const key of reported) if (!failing.has(key.slice(0, key.indexOf('>')))) reported.delete(key);
  }

  // Two batches in flight: while one waits on its consumers, the other claims or settles (SKIP LOCKED
  // gives them different events). Each stops at its first short batch.
  return async function drain(stopping: AbortSignal): Promise<number> {
    let handled = 0;
    const worker = async () => {
      for (;;) {
        const n = await batch();
        handled += n;
        // Events left in the outbox wait for the next start: stopping between batches loses nothing.
        if (n < options.batchSize || stopping.aborted) return;
      }
    };
    await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, worker));
    return handled;
  };
}
