// A ratio of two wirings measured in the same run (candidate ÷ baseline), with its interval. The bench
// runs the wirings in rounds (every wiring once per round, then the next round), so each round is one
// replicate of the whole comparison: its candidate ÷ baseline carries the noise of its samples (a p99 of
// ~160 answers) and the machine's drift between rounds alike, while what the round shared cancels.
//
// Interval: Student's t on the rounds' log ratios (n − 1 degrees of freedom), centred on the headline
// ratio (for latency, the ratio of percentiles pooled over every trial). Not a bootstrap over trials:
// with 3 rounds it can draw only 10 distinct resamples and takes the 3 as the whole population, so
// it comes out too narrow; t's wide quantiles at 2 degrees of freedom are the honest price of 3 rounds.
// One round has no spread: no interval, and no difference claimed.
import { meanAndHalfWidth } from './student-t.js';

/** Two-sided level of every ratio's interval in a run's summary, verdict and cost table. */
export const RATIO_CONFIDENCE = 0.9;

/** Named beside each interval. */
export const RATIO_METHOD = "paired rounds, Student's t";

/** low and high are NaN with fewer than two rounds (or a round with a zero or missing side). */
export interface RatioInterval { value: number; low: number; high: number; rounds: number }

/**
 * `value`: the headline ratio; `rounds`: [baseline, candidate] per round, the same measure as the
 * headline taken in that round alone.
 */
export function pairedRatio(value: number, rounds: [baseline: number, candidate: number][], confidence = RATIO_CONFIDENCE): RatioInterval {
  const logs = rounds.filter(([b, c]) => b > 0 && c > 0 && Number.isFinite(b) && Number.isFinite(c)).map(([b, c]) => Math.log(c / b));
  const n = logs.length;
  if (n < 2 || !(value > 0 && Number.isFinite(value))) return { value, low: NaN, high: NaN, rounds: n };
  const { half } = meanAndHalfWidth(logs, (1 - confidence) / 2);
  const v = Math.log(value);
  return { value, low: Math.exp(v - half), high: Math.exp(v + half), rounds: n };
}

/** The interval excludes 1: a difference this run resolved. No interval is no resolved difference. */
export const resolvedRatio = (r: RatioInterval) => r.low > 1 || r.high < 1;

/** Pairs two per-round maps by round: the rounds both sides measured. */
export function byRound(baseline: Map<number, number>, candidate: Map<number, number>): [number, number][] {
  return [...baseline].filter(([round]) => candidate.has(round)).map(([round, b]) => [b, candidate.get(round)!]);
}
