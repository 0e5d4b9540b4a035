// A run's latency samples, per wiring × workflow × trial, decoded from run.json's HdrHistograms: what
// the gate tests (scripts/gate/) and the A/B page draws (reports/ab-data.ts), read one way.
import * as hdr from 'hdr-histogram-js';
import { decode } from './histogram.js';
import { isLowerBound } from './lower-bound.js';
import type { RunResult } from './run.js';

/** One trial's samples: distinct values ascending, with cumulative counts. */
export interface Empirical { values: Float64Array; cumulative: Float64Array; count: number }

export function empirical(valueCounts: [value: number, count: number][]): Empirical {
  const sorted = valueCounts.filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const cumulative = new Float64Array(sorted.length);
  let total = 0;
  sorted.forEach(([, n], i) => { total += n; cumulative[i] = total; });
  return { values: Float64Array.from(sorted, ([v]) => v), cumulative, count: total };
}

/** Several trials' samples as one: their histograms merged, so a pooled p99 rests on every trial's answers. */
export function pooled(trials: Empirical[]): Empirical {
  const counts = new Map<number, number>();
  for (const e of trials) {
    for (let i = 0; i < e.values.length; i++) counts.set(e.values[i], (counts.get(e.values[i]) ?? 0) + e.cumulative[i] - (i ? e.cumulative[i - 1] : 0));
  }
  return empirical([...counts]);
}

/** The value at rank max(1, ⌈p·n⌉): HdrHistogram's definition, so the gate's p99 is run.json's p99. */
export function quantile(e: Empirical, p: number): number {
  return valueAtRank(e, rankOf(e.count, p));
}

/** The rank of the p-quantile among n samples. */
// The epsilon keeps 0.99 × 100 (= 99.00000000000001 in floating point) at rank 99.
export const rankOf = (n: number, p: number) => Math.max(1, Math.ceil(p * n - 1e-9));

/** The smallest value whose cumulative count reaches `rank`; a fractional rank (a bootstrap's draw) is allowed. */
export function valueAtRank(e: Empirical, rank: number): number {
  let lo = 0;
  let hi = e.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (e.cumulative[mid] >= rank) hi = mid;
    else lo = mid + 1;
  }
  return e.values[lo];
}

export interface Trial {
  trial: number;
  /** Latency in ms (coordinated-omission corrected), every answer of the measured window. */
  latencyMs: Empirical;
  /** Successful answers per second of the measured window. */
  okPerS: number;
  ok: number;
  /** Every failed send: error answers, timeouts, connection failures and dropped sends. */
  errors: number;
  /** Over 1 % of this trial's sends dropped or timed out: its percentiles are lower bounds. */
  lowerBound: boolean;
}

/** wiring → workflow (or "all") → trials, in trial order. */
export type RunTrials = Map<string, Map<string, Trial[]>>;

/** Throws naming the cell and workflow whose histogram does not decode. */
export function trialsOf(run: RunResult): RunTrials {
  const byWiring: RunTrials = new Map();
  run.cells.forEach((cell, i) => {
    const byWorkflow = byWiring.get(cell.wiring) ?? byWiring.set(cell.wiring, new Map()).get(cell.wiring)!;
    cell.driver.workflows.forEach((w, j) => {
      const trials = byWorkflow.get(w.workflow) ?? byWorkflow.set(w.workflow, []).get(w.workflow)!;
      trials.push({
        trial: cell.trial,
        latencyMs: decodeLatency(w.histogram, `cells[${i}].driver.workflows[${j}].histogram`),
        okPerS: w.ok / cell.driver.durationS,
        ok: w.ok,
        errors: Object.values(w.errors).reduce((a, b) => a + b, 0),
        lowerBound: isLowerBound(w),
      });
    });
  });
  for (const byWorkflow of byWiring.values()) for (const trials of byWorkflow.values()) trials.sort((a, b) => a.trial - b.trial);
  return byWiring;
}

/** An encoded µs histogram as ms samples; throws naming `at` when it does not decode. */
export function decodeLatency(base64: string, at: string): Empirical {
  let pairs: [number, number][];
  try {
    const h = decode(base64);
    // Decoding without WebAssembly always yields a JsHistogram, the kind that exposes its counts.
    if (!(h instanceof hdr.JsHistogram)) throw new Error('decoded into a histogram that cannot list its values');
    // Walking the counts directly: the library's recorded-values iterator is ~100× slower.
    pairs = [];
    for (let i = 0; i < h.countsArrayLength; i++) {
      const n = h.getCountAtIndex(i);
      if (n > 0) pairs.push([h.highestEquivalentValue(h.valueFromIndex(i)) / 1000, n]);
    }
  } catch (e) {
    throw new Error(`${at}: not a compressed base64 HdrHistogram (${(e as Error).message})`);
  }
  return empirical(pairs);
}
