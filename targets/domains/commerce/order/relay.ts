// The outbox relay: delivers committed events to their subscribers at least once. Consumers
// deduplicate by eventId, so a delivery repeated after a crash or a failed bookkeeping write is harmless.
import type pg from 'pg';
import { Event } from '../../../contracts/common.js';
import { newCtx, type Ctx } from '../../../kit/ctx.js';
import { shape, type Infer } from '../../../kit/schema.js';
import { SUBSCRIPTIONS } from './subscriptions.js';

export type EventMsg = Infer<typeof Event>;
export type Consumers = Record<string, (event: EventMsg, ctx: Ctx) => Promise<unknown>>;

const BATCH = 100;
/** Events delivered at once: enough to keep up with checkout, few enough not to flood the consumers. */
const PARALLEL_EVENTS = 4;

export function relay(db: pg.Pool, consumers: Consumers) {
  // A failing delivery is retried every tick; report it once, not every 20 ms.
  const reported = new Set<string>();
  const report = (key: string, what: string, err: unknown) => {
    if (reported.has(key)) return;
    reported.add(key);
    console.error(`outbox relay: ${what} failed: ${err instanceof Error ? err.message : String(err)} (will retry)`);
  };

  async function deliver(row: { event_id: string; type: string; payload: unknown; done: string[] }) {
    const event = shape(Event, row.payload);
    const ctx = newCtx(`relay-${row.event_id}`, 5000, 'order');
    const todo = (SUBSCRIPTIONS[row.type] ?? []).filter((name) => !row.done.includes(name));
    const results = await Promise.allSettled(todo.map(async (name) => {
      const consume = consumers[name];
      if (!consume) throw new Error(`no consumer named "${name}"`);
      await consume(event, ctx);
    }));
    const delivered: string[] = [];
    results.forEach((r, i) => {
      const key = `${row.event_id}>${todo[i]}`;
      if (r.status === 'fulfilled') { delivered.push(todo[i]); reported.delete(key); }
      else report(key, `${todo[i]} on event ${row.event_id}`, r.reason);
    });
    try {
      await db.query({
        name: 'order.relay.record',
        text: `WITH d AS (INSERT INTO outbox_deliveries (event_id, consumer) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING)
               UPDATE outbox SET delivered_at = now() WHERE event_id = $1 AND $3`,
        values: [row.event_id, delivered, delivered.length === todo.length],
      });
    } catch (err) {
      report(row.event_id, `recording deliveries of event ${row.event_id}`, err);
    }
  }

  return async function tick(stopping: AbortSignal) {
    const { rows } = await db.query({
      name: 'order.relay.pending',
      text: `SELECT o.event_id, o.type, o.payload, ARRAY(SELECT consumer FROM outbox_deliveries d WHERE d.event_id = o.event_id) AS done
             FROM outbox o WHERE o.delivered_at IS NULL ORDER BY o.seq LIMIT ${BATCH}`,
    });
    let next = 0;
    // Undelivered events stay in the outbox for the next start: leaving mid-batch loses nothing.
    const worker = async () => { while (next < rows.length && !stopping.aborted) await deliver(rows[next++]); };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_EVENTS, rows.length) }, worker));
    return rows.length;
  };
}
