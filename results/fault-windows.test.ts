import { describe, expect, it } from 'vitest';
import { faultEndS, faultWindows, nearestRank, timeline, type FaultSpan, type RequestRecord } from './fault-windows.js';

/** rps requests a second over seconds [fromS, toS), evenly spaced; `shape` changes request i of second s. */
function steady(fromS: number, toS: number, rps: number, shape: (s: number, i: number) => Partial<RequestRecord> = () => ({})): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let s = fromS; s < toS; s++) {
    for (let i = 0; i < rps; i++) out.push({ atMs: s * 1000 + (i * 1000) / rps, latencyMs: 5, ok: true, attempts: 1, ...shape(s, i) });
  }
  return out;
}

const span = (over: Partial<FaultSpan> = {}): FaultSpan => ({ kind: 'latency', target: 'checkout→warehouse', atS: 10, durationS: 5, appliedTo: ['checkout→warehouse'], ...over });
/** Half the requests time out, every one takes 10× as long. */
const faulty = (_s: number, i: number): Partial<RequestRecord> => (i % 2 ? { ok: false, error: 'timeout', latencyMs: 50 } : { latencyMs: 50 });
/** A 30 s run at 10 req/s, clean except seconds [from, to), which are faulty. */
const runWithFault = (from: number, to: number) => [...steady(0, from, 10), ...steady(from, to, 10, faulty), ...steady(to, 30, 10)];

describe('timeline', () => {
  it('a clean run: every second has its requests, all ok, no error', () => {
    const rows = timeline(steady(0, 30, 10), 30);
    expect(rows).toHaveLength(30);
    for (const [s, row] of rows.entries()) expect(row).toEqual({ tS: s, requests: 10, ok: 10, errors: {}, retried: 0, p50Ms: 5, p99Ms: 5 });
  });

  it('counts errors by kind and retried requests per second, by intended send time', () => {
    const records: RequestRecord[] = [
      { atMs: 999.9, latencyMs: 7, ok: true, attempts: 2 },
      { atMs: 1000, latencyMs: 2000, ok: false, error: 'timeout', attempts: 3 },
      { atMs: 1500, latencyMs: undefined, ok: false, error: 'connection', attempts: 1 },
      { atMs: 1600, latencyMs: undefined, ok: false, error: 'connection', attempts: 1 },
      { atMs: 1700, latencyMs: 4, ok: true, attempts: 1 },
    ];
    const [zero, one] = timeline(records, 2);
    expect(zero).toMatchObject({ tS: 0, requests: 1, ok: 1, retried: 1 });
    expect(one).toEqual({ tS: 1, requests: 4, ok: 1, errors: { timeout: 1, connection: 2 }, retried: 1, p50Ms: 4, p99Ms: 2000 });
  });

  it('a second with no requests has a row of zeros; requests outside the measured phase are left out', () => {
    const rows = timeline([...steady(0, 2, 4), ...steady(3, 4, 4), { atMs: -1, latencyMs: 1, ok: true, attempts: 1 }, { atMs: 4000, latencyMs: 1, ok: true, attempts: 1 }], 4);
    expect(rows.map((r) => r.requests)).toEqual([4, 4, 0, 4]);
    expect(rows[2]).toEqual({ tS: 2, requests: 0, ok: 0, errors: {}, retried: 0, p50Ms: 0, p99Ms: 0 });
  });

  it('takes percentiles by nearest rank over the answered requests, rounded to 0.01 ms', () => {
    const at = (latencyMs: number | undefined) => ({ atMs: 100, latencyMs, ok: latencyMs !== undefined, attempts: 1 });
    expect(timeline([at(3.14159), at(1), at(2), at(undefined)], 1)[0]).toMatchObject({ requests: 4, ok: 3, p50Ms: 2, p99Ms: 3.14 });
    expect(timeline([at(undefined)], 1)[0]).toMatchObject({ p50Ms: 0, p99Ms: 0 });
  });
});

describe('nearestRank', () => {
  it('is the smallest value with at least that share at or below it, on small arrays', () => {
    expect(nearestRank([], 0.5)).toBe(0);
    expect(nearestRank([7], 0.5)).toBe(7);
    expect(nearestRank([7], 0.99)).toBe(7);
    expect(nearestRank([1, 2], 0.5)).toBe(1);
    expect(nearestRank([1, 2], 0.99)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBe(10);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(hundred, 0.99)).toBe(99);
    expect(nearestRank(hundred, 0.5)).toBe(50);
  });
});

describe('faultWindows', () => {
  it('a clean run: no error in any window, recovered at once', () => {
    const [w] = faultWindows(steady(0, 30, 10), [span()], 30);
    for (const s of [w.before, w.during, w.after]) expect(s.errorRate).toBe(0);
    expect([w.before.requests, w.during.requests, w.after.requests]).toEqual([100, 50, 150]);
    expect(w.recoveryS).toBe(0);
  });

  it('a fault with half its requests failing at 10× the latency: during shows it, recovery 0 when the next second is clean', () => {
    const [w] = faultWindows(runWithFault(10, 15), [span()], 30);
    expect(w).toMatchObject({ kind: 'latency', target: 'checkout→warehouse', atS: 10, durationS: 5, appliedTo: ['checkout→warehouse'] });
    expect(w.before).toEqual({ requests: 100, errorRate: 0, errors: {}, p50Ms: 5, p99Ms: 5 });
    expect(w.during).toEqual({ requests: 50, errorRate: 0.5, errors: { timeout: 25 }, p50Ms: 50, p99Ms: 50 });
    expect(w.after).toEqual({ requests: 150, errorRate: 0, errors: {}, p50Ms: 5, p99Ms: 5 });
    expect(w.recoveryS).toBe(0);
  });

  it('recovery k: the k seconds after the end still faulty', () => {
    for (const k of [1, 3]) expect(faultWindows(runWithFault(10, 15 + k), [span()], 30)[0].recoveryS).toBe(k);
  });

  it('within 10 %: a p99 up to 1.1 × before\'s and up to 1 percentage point more errors is recovered, more is not', () => {
    const tail = (p99: number, failing: number) => steady(15, 30, 100, (_s, i) => ({ latencyMs: i >= 98 ? p99 : 5, ...(i < failing && { ok: false, error: 'status 503 UNAVAILABLE' }) }));
    const before = steady(0, 10, 100, (_s, i) => ({ latencyMs: i >= 98 ? 10 : 5 })); // p99 10 ms, no error
    const recovery = (p99: number, failing: number) => faultWindows([...before, ...tail(p99, failing)], [span()], 30)[0].recoveryS;
    expect(recovery(11, 1)).toBe(0);
    expect(recovery(11.01, 0)).toBeNull();
    expect(recovery(5, 2)).toBeNull();
  });

  it('a run that never recovers: null', () => {
    const [w] = faultWindows(runWithFault(10, 30), [span()], 30);
    expect(w.after.errorRate).toBe(0.5);
    expect(w.recoveryS).toBeNull();
  });

  it('seconds with no requests do not count as recovered', () => {
    const records = [...steady(0, 10, 10), ...steady(10, 15, 10, faulty), ...steady(17, 30, 10)];
    const [w] = faultWindows(records, [span()], 30);
    expect(w.after.requests).toBe(130);
    expect(w.recoveryS).toBe(2);
  });

  it('a skipped fault: its windows computed the same way, no recovery, and it bounds no other fault\'s windows', () => {
    const skipped = span({ kind: 'partition', target: 'commerce→logistics', atS: 5, durationS: 2, appliedTo: [], skipped: 'monolith is one process: no link between commerce and logistics to fault' });
    const [s, w] = faultWindows(runWithFault(10, 15), [skipped, span()], 30);
    expect(s).toMatchObject({ skipped: skipped.skipped, appliedTo: [], recoveryS: null });
    expect(s.during).toEqual({ requests: 20, errorRate: 0, errors: {}, p50Ms: 5, p99Ms: 5 });
    expect(s.before.requests).toBe(50);
    expect(s.after.requests).toBe(30); // until the applied fault at 10 s
    expect(w.before.requests).toBe(100);
    expect(w.recoveryS).toBe(0);
  });

  it('consecutive faults: before runs from the previous one\'s end, after until the next one\'s start', () => {
    const records = [...steady(0, 5, 10), ...steady(5, 8, 10, faulty), ...steady(8, 20, 10), ...steady(20, 22, 10, faulty), ...steady(22, 30, 10)];
    const [a, b] = faultWindows(records, [span({ atS: 5, durationS: 3 }), span({ atS: 20, durationS: 2 })], 30);
    expect([a.before.requests, a.during.requests, a.after.requests]).toEqual([50, 30, 120]);
    expect([b.before.requests, b.during.requests, b.after.requests]).toEqual([120, 20, 80]);
    expect([a.recoveryS, b.recoveryS]).toEqual([0, 0]);
  });

  it('no before to compare with (a fault at second 0): no recovery', () => {
    expect(faultWindows(runWithFault(0, 5), [span({ atS: 0 })], 30)[0].recoveryS).toBeNull();
  });

  it('a kill lasts until the restarted process is ready: its connection errors are in during, recovery from the next whole second', () => {
    const kill = span({ kind: 'kill', target: 'payment', atS: 10, durationS: 0, appliedTo: ['process commerce'], restartMs: 1500 });
    expect(faultEndS(kill)).toBe(11.5);
    const records = [
      ...steady(0, 10, 10),
      ...steady(10, 12, 10, (s, i) => (s * 1000 + i * 100 < 11_500 ? { ok: false, error: 'connection', latencyMs: undefined } : {})),
      ...steady(12, 30, 10),
    ];
    const [w] = faultWindows(records, [kill], 30);
    expect(w.restartMs).toBe(1500);
    expect(w.during).toEqual({ requests: 15, errorRate: 1, errors: { connection: 15 }, p50Ms: 0, p99Ms: 0 });
    expect(w.after.requests).toBe(185);
    expect(w.recoveryS).toBe(0);
  });
});
