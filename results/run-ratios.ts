// A run's headline figures per wiring, each against the baseline wiring with its interval: latency
// percentiles pooled over the trials (the trials' histograms merged), per-cell measures (CPU, memory, the
// bill) as the median over trials; every ratio's interval from the rounds (ratio-interval.ts).
import type { Cell, RunResult } from './run.js';
import { median } from './median.js';
import { byRound, pairedRatio, type RatioInterval } from './ratio-interval.js';
import { pooled, quantile, trialsOf, type Empirical } from './trials.js';

export const PERCENTILES = { p50: 0.5, p99: 0.99, p999: 0.999 } as const;
export type Percentile = keyof typeof PERCENTILES;

export interface PooledLatency {
  wiring: string;
  workflow: string;
  trials: number;
  /** Over every answer of every trial, ms; NaN when no trial has an answer. */
  ms: Record<Percentile, number>;
  /** ÷ the baseline's, absent for the baseline itself or without one. */
  vsBaseline?: Record<Percentile, RatioInterval>;
}

/** Per wiring × workflow, in the run's order. Throws naming a histogram that does not decode. */
export function pooledLatency(run: RunResult, baseline: string): PooledLatency[] {
  const trials = trialsOf(run);
  const base = trials.get(baseline);
  return [...trials].flatMap(([wiring, byWorkflow]) => [...byWorkflow].map(([workflow, ts]): PooledLatency => {
    const all = pooled(ts.map((t) => t.latencyMs));
    const ms = percentilesOf(all);
    const baseTrials = base?.get(workflow);
    if (wiring === baseline || !baseTrials) return { wiring, workflow, trials: ts.length, ms };
    const baseMs = percentilesOf(pooled(baseTrials.map((t) => t.latencyMs)));
    const perRound = (trialsOfWiring: typeof ts, p: number) => new Map(trialsOfWiring.map((t) => [t.trial, at(t.latencyMs, p)]));
    const vs = (k: Percentile) => pairedRatio(ms[k] / baseMs[k], byRound(perRound(baseTrials, PERCENTILES[k]), perRound(ts, PERCENTILES[k])));
    return { wiring, workflow, trials: ts.length, ms, vsBaseline: { p50: vs('p50'), p99: vs('p99'), p999: vs('p999') } };
  }));
}

/** A per-cell measure of `wiring` ÷ the baseline's: medians over trials, the interval from the rounds. */
export function cellRatio(run: RunResult, baseline: string, wiring: string, pick: (c: Cell) => number | undefined): RatioInterval | undefined {
  const perRound = (w: string) => new Map(run.cells.filter((c) => c.wiring === w).flatMap((c) => {
    const x = pick(c);
    return typeof x === 'number' && Number.isFinite(x) ? [[c.trial, x] as [number, number]] : [];
  }));
  const b = perRound(baseline);
  const c = perRound(wiring);
  const bm = median([...b.values()]);
  const cm = median([...c.values()]);
  if (wiring === baseline || bm === undefined || cm === undefined || bm === 0) return undefined;
  return pairedRatio(cm / bm, byRound(b, c));
}

const at = (e: Empirical, p: number) => (e.count ? quantile(e, p) : NaN);
const percentilesOf = (e: Empirical): Record<Percentile, number> => ({ p50: at(e, PERCENTILES.p50), p99: at(e, PERCENTILES.p99), p999: at(e, PERCENTILES.p999) });
