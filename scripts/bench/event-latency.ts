// Asynchronous latency, read from the databases after the fact so the request path is untouched: every
// outbox row carries its insert time (clock_timestamp(), inside the order's transaction, just before
// its commit) and every consumer's processed_events row its own; the difference per event and
// subscriber is commit → consumed. Both clocks are the database servers' (one server in the default
// embedded set-up; one per domain on one host with compose), never a Node process's.
import pg from 'pg';
import type { DbUrls } from '../../targets/db/domains.js';
import { quoteIdent } from '../../targets/db/prepare.js';
import { SERVICES } from '../../targets/services.js';
import { encode, latencyMs, recordUs, usHistogram, type Histogram } from '../../results/histogram.js';
import type { EventLatency } from '../../results/run.js';

export const EVENT_CLOCK_NOTE = 'commit → consumed per event and subscriber, from the database servers\' clocks: the outbox row\'s insert time (inside the order\'s transaction) and the consumer\'s processed_events row';

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { return await work(c); } finally { await c.end(); }
}

/** The outbox's position now: events after it were created later. */
export const outboxPosition = (urls: DbUrls) =>
  withClient(urls.commerce, async (c) => Number((await c.query('SELECT coalesce(max(seq), 0) AS s FROM "order".outbox')).rows[0].s));

/** At the window's end: its last position and how many of its events were not yet consumed by every subscriber. */
export const windowEnd = (urls: DbUrls, from: number) => withClient(urls.commerce, async (c) => {
  const { rows } = await c.query('SELECT coalesce(max(seq), $1) AS s, count(*) FILTER (WHERE done_at IS NULL)::int AS open FROM "order".outbox WHERE seq > $1', [from]);
  return { to: Number(rows[0].s), backlog: rows[0].open as number };
});

/** A timestamptz as µs since the epoch (a double: exact to the µs for centuries); a JavaScript Date would keep only ms. */
const EPOCH_US = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::float8`;

/** After the drain: commit → consumed for every event created between the two positions. */
export async function eventLatency(urls: DbUrls, window: { from: number; to: number; backlog: number }): Promise<EventLatency> {
  const events = await withClient(urls.commerce, async (c) => (await c.query(
    `SELECT event_id, type, ${EPOCH_US('created_at')} AS created_us FROM "order".outbox WHERE seq > $1 AND seq <= $2`, [window.from, window.to])).rows as { event_id: string; type: string; created_us: number }[]);
  const created = new Map(events.map((e) => [e.event_id, e.created_us]));
  const times = events.map((e) => e.created_us);
  const spanS = events.length > 1 ? (Math.max(...times) - Math.min(...times)) / 1e6 : 0;
  const lastConsumed = new Map<string, number>();
  const subscribers: EventLatency['subscribers'] = [];
  for (const subscriber of new Set(Object.keys(SERVICES.subscribers).flatMap(SERVICES.consumersOf))) {
    const ids = events.filter((e) => SERVICES.consumersOf(e.type).includes(subscriber)).map((e) => e.event_id);
    const rows = ids.length === 0 ? [] : await withClient(urls[SERVICES.domainOf(subscriber)], async (c) => (await c.query(
      `SELECT event_id, ${EPOCH_US('processed_at')} AS processed_us FROM ${quoteIdent(subscriber)}.processed_events WHERE event_id = ANY($1::text[])`, [ids])).rows as { event_id: string; processed_us: number }[]);
    const h = usHistogram();
    for (const r of rows) {
      const at = r.processed_us;
      recordUs(h, at - created.get(r.event_id)!);
      lastConsumed.set(r.event_id, Math.max(lastConsumed.get(r.event_id) ?? 0, at));
    }
    subscribers.push(summary(subscriber, h, ids.length - rows.length));
  }
  const all = usHistogram();
  for (const [id, at] of lastConsumed) recordUs(all, at - created.get(id)!);
  const withSubscribers = events.filter((e) => SERVICES.consumersOf(e.type).length > 0).length;
  return {
    events: events.length,
    arrivalPerS: spanS > 0 ? Math.round((events.length / spanS) * 10) / 10 : 0,
    backlogAtEnd: window.backlog,
    all: summary('all', all, withSubscribers - lastConsumed.size),
    subscribers,
    clock: EVENT_CLOCK_NOTE,
  };
}

function summary(subscriber: string, h: Histogram, missing: number) {
  const l = latencyMs(h);
  return { subscriber, latencyMs: { p50: l.p50, p99: l.p99, max: l.max, count: l.count }, histogram: encode(h), missing };
}
