// A fault run, analysed: every request as the user finally saw it (after the client's own retries),
// second by second and around each fault (before / during / after), and how long the system took to
// be its old self again. Pure: the driver's records and the faults' spans in, run.ts's shapes out.
import type { FaultSpan, FaultWindowResult, TimelineSecond, WindowStats } from './run.js';
import { rankOf } from './trials.js';

export type { FaultSpan };

export interface RequestRecord {
  /** Intended send time of the first attempt, ms from the start of the measured phase. */
  atMs: number;
  /** From the first attempt's intended send time to the final outcome; undefined when there is no latency (connection refused / dropped send). */
  latencyMs: number | undefined;
  ok: boolean;
  /** The final error kind when not ok: "timeout", "connection", "dropped", "status 503 …". */
  error?: string;
  /** Attempts made (1 = no retry). */
  attempts: number;
}

/** A second is back to normal when its p99 is at most this multiple of the before window's... */
export const RECOVERED_P99_RATIO = 1.1;
/** ...and its error rate at most the before window's plus this (1 percentage point). */
export const RECOVERED_ERROR_RATE_SLACK = 0.01;

/**
 * When a fault's effect ends. A kill is scheduled with the time the process stays down (often 0: a
 * restart at once), but the system is without it until the new process is ready: restartMs.
 */
export function faultEndS(f: Pick<FaultSpan, 'kind' | 'atS' | 'durationS' | 'restartMs'>): number {
  const restartS = f.kind === 'kill' && f.restartMs !== undefined ? f.restartMs / 1000 : 0;
  return f.atS + Math.max(f.durationS, restartS);
}

/** Nearest rank on an ascending array: the smallest value with at least a share q of the values at or below it; 0 for none. */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length, rankOf(sorted.length, q)) - 1];
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;

function summarise(records: RequestRecord[]): WindowStats & { ok: number } {
  const errors: Record<string, number> = {};
  let ok = 0;
  for (const r of records) {
    if (r.ok) ok++;
    else errors[r.error ?? 'error'] = (errors[r.error ?? 'error'] ?? 0) + 1;
  }
  const latencies = Float64Array.from(records.flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs]))).sort();
  return {
    requests: records.length, ok, errorRate: records.length ? (records.length - ok) / records.length : 0, errors,
    p50Ms: round2(nearestRank(latencies, 0.5)), p99Ms: round2(nearestRank(latencies, 0.99)),
  };
}

/** Seconds 0 … durationS − 1 of the measured phase, by intended send time; requests outside them are left out. */
export function timeline(records: RequestRecord[], durationS: number): TimelineSecond[] {
  const seconds: RequestRecord[][] = Array.from({ length: Math.max(0, Math.ceil(durationS)) }, () => []);
  for (const r of records) {
    const s = Math.floor(r.atMs / 1000);
    if (s >= 0 && s < seconds.length) seconds[s].push(r);
  }
  return seconds.map((rs, tS) => {
    const { requests, ok, errors, p50Ms, p99Ms } = summarise(rs);
    return { tS, requests, ok, errors, retried: rs.filter((r) => r.attempts > 1).length, p50Ms, p99Ms };
  });
}

function between(records: RequestRecord[], fromS: number, toS: number): WindowStats {
  const { requests, errorRate, errors, p50Ms, p99Ms } = summarise(records.filter((r) => r.atMs >= fromS * 1000 && r.atMs < toS * 1000));
  return { requests, errorRate, errors, p50Ms, p99Ms };
}

/**
 * Per span, in the spans' order: before = from the end of the previous applied fault (or 0) to its
 * start; during = its start to its end (faultEndS); after = its end to the next applied fault's start
 * (or durationS). Skipped faults changed nothing, so they bound no one else's windows; their own
 * windows are computed the same way, so the reader sees that nothing happened.
 */
export function faultWindows(records: RequestRecord[], spans: FaultSpan[], durationS: number): FaultWindowResult[] {
  const seconds = timeline(records, durationS);
  const applied = spans.filter((s) => s.skipped === undefined);
  // In time, ties in the scenario's order.
  const precedes = (a: FaultSpan, b: FaultSpan) => a.atS < b.atS || (a.atS === b.atS && spans.indexOf(a) < spans.indexOf(b));
  return spans.map((span) => {
    const end = faultEndS(span);
    const previousEnd = Math.max(0, ...applied.filter((o) => precedes(o, span)).map(faultEndS));
    const nextStart = Math.min(durationS, ...applied.filter((o) => precedes(span, o)).map((o) => o.atS));
    // Overlapping faults leave an empty before or after rather than one that reaches into the other fault.
    const before = between(records, Math.min(previousEnd, span.atS), span.atS);
    const during = between(records, span.atS, end);
    const after = between(records, end, Math.max(end, nextStart));
    return {
      kind: span.kind, target: span.target, atS: span.atS, durationS: span.durationS,
      ...(span.skipped !== undefined && { skipped: span.skipped }),
      appliedTo: span.appliedTo,
      ...(span.restartMs !== undefined && { restartMs: span.restartMs }),
      before, during, after,
      recoveryS: span.skipped === undefined ? recoveryS(seconds, end, before) : null,
    };
  });
}

/** A second is back within 10 % of before: p99 ≤ 1.1 × before's p99 and error rate ≤ before's + 1 percentage point. */
export function recovered(second: TimelineSecond, before: WindowStats): boolean {
  if (second.requests === 0) return false;
  const errorRate = (second.requests - second.ok) / second.requests;
  return second.p99Ms <= RECOVERED_P99_RATIO * before.p99Ms + 1e-9 && errorRate <= before.errorRate + RECOVERED_ERROR_RATE_SLACK + 1e-9;
}

/**
 * Whole seconds from the first second that starts at or after the fault's end to the first recovered
 * one (0: that first second already is); null when none is until the run ends, or when there is no
 * before to compare with (a fault at second 0, or one right after another).
 */
function recoveryS(seconds: TimelineSecond[], endS: number, before: WindowStats): number | null {
  if (before.requests === 0) return null;
  const first = Math.ceil(endS - 1e-9);
  for (let s = first; s < seconds.length; s++) if (recovered(seconds[s], before)) return s - first;
  return null;
}
