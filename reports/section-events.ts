// The asynchronous side of each wiring, beside its synchronous workflows: how long an order's events
// took from the order's commit to each subscriber, and whether the relay kept up with the checkout rate.
import { BEHIND_AFTER_S, relayFellBehind, type EventLatency, type RunResult } from '../results/run.js';
import { MISSING, ms, num } from './format.js';
import { esc, table } from './html.js';
import type { Section } from './section.js';

interface Row { wiring: string; window: string; events: EventLatency; }

function rows(run: RunResult): Row[] {
  const trials = new Set(run.cells.map((c) => c.trial)).size;
  return [
    ...run.cells.flatMap((c) => (c.events ? [{ wiring: c.wiring, window: trials > 1 ? `trial ${c.trial}` : 'open model', events: c.events }] : [])),
    ...(run.saturation ?? []).flatMap((s) => (s.events ? [{ wiring: s.wiring, window: `saturation ${num(s.maxRps)}/s`, events: s.events }] : [])),
    ...(run.sweep ?? []).flatMap((p) => (p.events ? [{ wiring: p.wiring, window: `sweep ${num(p.fraction * 100)} % (${num(p.offeredRps)} req/s)`, events: p.events }] : [])),
  ];
}

const trio = (l: { p50: number; p99: number; max: number; count: number }) => (l.count === 0 ? MISSING : `${num(l.p50)} / ${num(l.p99)} / ${num(l.max)}`);

/** The relay benchmark's rows (micro table): how fast each wiring's relay drains a backlog. */
function capacity(run: RunResult): string {
  const relays = run.micro.flatMap((m) => (m.kind === 'outbox' ? [m] : []));
  if (relays.length === 0) return '';
  return table(['wiring', 'backlog (events)', 'drained in', 'events/s', 'invariants'], relays.map((m) => [
    esc(m.transport), num(m.events), `${num(m.durationS)} s`, num(m.eventsPerS), m.invariantsOk ? 'OK' : '<strong>BROKEN</strong>',
  ]), `Relay capacity: a backlog of order.created + order.paid events written at once, drained in batches of ${num(relays[0].batchSize)} (commit of the backlog → last event done, database clock)`);
}

export function eventsSection(run: RunResult): Section {
  const all = rows(run);
  if (all.length === 0) return { html: '<p>This run has no event measurements (run.json written before commit → consumed latency was measured, or no cell ran).</p>' + capacity(run), charts: [] };
  const subscribers = [...new Set(all.flatMap((r) => r.events.subscribers.map((s) => s.subscriber)))];
  // Per subscriber only its p99 (its p50 and max are in run.json): eleven p50/p99/max columns do not fit a page.
  const head = ['wiring', 'window', 'events (arrival)', 'all: p50 / p99 / max',
    ...subscribers.map((s) => esc(s)), 'backlog', 'missing'];
  const body = all.map((r) => [
    esc(r.wiring), esc(r.window), `${num(r.events.events)} (${num(r.events.arrivalPerS)}/s)`, trio(r.events.all.latencyMs),
    ...subscribers.map((name) => { const s = r.events.subscribers.find((x) => x.subscriber === name); return s && s.latencyMs.count > 0 ? num(s.latencyMs.p99) : MISSING; }),
    `${num(r.events.backlogAtEnd)}${relayFellBehind(r.events) ? ' <strong>behind</strong>' : ''}`,
    num(r.events.all.missing),
  ]);
  const behind = all.filter((r) => relayFellBehind(r.events));
  const sentences = behind.map((r) => `${r.wiring} (${r.window}): the relay fell behind — ${num(r.events.backlogAtEnd)} of the window's ${num(r.events.events)} events were still undelivered when it ended, ` +
    `more than the ${num(r.events.arrivalPerS * BEHIND_AFTER_S)} that arrive in ${BEHIND_AFTER_S} s; the latencies above include that queue (${ms(r.events.all.latencyMs.max)} at most).`);
  const kept = all.length - behind.length;
  const summary = behind.length
    ? `<ul class="verdict">${sentences.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`
    : `<p>The relay kept up in every window (${kept} of ${all.length}).</p>`;
  const note = `Times in ms. Per event: from the order's commit (the outbox row's insert time, inside the order's transaction) to each subscriber's processed_events row, for the events created in the measured window; ` +
    `“all subscribers” is each event until its last subscriber had it. Times come from the database servers' clocks, not from a Node process. ` +
    `Backlog at the end: events of the window not yet consumed by every subscriber when the window ended. The relay fell behind when that backlog is larger than what arrives in ${BEHIND_AFTER_S} s at the window's arrival rate. ` +
    'Missing: events still without a subscriber when read, after the invariant check had waited for the outbox to drain.';
  return { html: summary + table(head, body, 'Commit → consumed (ms): all (until the last subscriber) p50 / p99 / max, then each subscriber\'s p99') + `<p class="note">${note}</p>` + capacity(run), charts: [] };
}
