// Tail at scale: if each of a request's k calls is slow (beyond its p99) with probability p = 1 %,
// independently, a share 1 − (1 − p)^k of requests meets at least one slow call. Measured here from the
// run's per-request counts (Cell.tail) where it has them.
import type { RunResult, TailSample } from '../results/run.js';
import { onCheckoutPath } from './boundary.js';
import { cellsOf, wiringsOf } from './summary.js';

export const SLOW_SHARE = 0.01;

export interface TailRow {
  wiring: string;
  /** Remote calls per checkout request: the median of the per-request counts, or (prediction only) the checkout-path edges seen. */
  hops: number;
  /** 1 − 0.99^k, averaged over the requests' own k when measured. */
  predicted: number;
  measured?: {
    requests: number;
    /** Share of the checkout requests with at least one call slower than its edge's p99. */
    share: number;
    /** Share of those requests' calls that were slow (≈ 1 % when slow calls are spread evenly over workflows). */
    slowCallShare: number;
    /** 1 − (1 − slowCallShare)^k averaged over the requests: the independence prediction with this run's own p. */
    predictedAtMeasuredP: number;
  };
}

export function tailRows(run: RunResult): TailRow[] {
  return wiringsOf(run).flatMap((wiring): TailRow[] => {
    const cells = cellsOf(run, wiring);
    const samples = cells.map((c) => c.tail).filter((t): t is TailSample => t !== undefined);
    if (samples.length && samples.length === cells.length) return [measuredRow(wiring, samples)];
    const hops = new Set(cells.flatMap((c) => c.edges.filter(onCheckoutPath).map((e) => `${e.from}>${e.to}`))).size;
    return hops ? [{ wiring, hops, predicted: atLeastOne(SLOW_SHARE, hops) }] : [];
  });
}

function measuredRow(wiring: string, samples: TailSample[]): TailRow {
  const calls = pool(samples.map((s) => s.callsPerRequest));
  const slow = pool(samples.map((s) => s.slowCallsPerRequest));
  const requests = total(slow);
  const callCount = [...calls].reduce((t, [k, n]) => t + k * n, 0);
  const slowCount = [...slow].reduce((t, [k, n]) => t + k * n, 0);
  const slowCallShare = callCount ? slowCount / callCount : 0;
  const meanOver = (p: number) => [...calls].reduce((t, [k, n]) => t + n * atLeastOne(p, k), 0) / total(calls);
  return {
    wiring, hops: medianOfCounts(calls), predicted: meanOver(SLOW_SHARE),
    measured: { requests, share: 1 - (slow.get(0) ?? 0) / requests, slowCallShare, predictedAtMeasuredP: meanOver(slowCallShare) },
  };
}

const atLeastOne = (p: number, k: number) => 1 - (1 - p) ** k;

function pool(counts: Record<string, number>[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of counts) for (const [k, n] of Object.entries(c)) out.set(Number(k), (out.get(Number(k)) ?? 0) + n);
  return out;
}

const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

function medianOfCounts(m: Map<number, number>): number {
  const half = total(m) / 2;
  let seen = 0;
  for (const [k, n] of [...m].sort((a, b) => a[0] - b[0])) if ((seen += n) >= half) return k;
  return 0;
}
