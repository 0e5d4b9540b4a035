// The gate's statistics: bootstrap intervals for a change between two runs that resample the repeated
// trials (the unit of replication: a trial sees one state of the machine) and, inside each chosen
// trial, its samples (a trial's own percentiles: results/trials.ts).
import type { Interval } from '../../results/gate.js';
import { medianOrNaN as median, middleOfSorted } from '../../results/median.js';
import { quantile, rankOf, valueAtRank, type Empirical } from '../../results/trials.js';
import { beta, type Rng } from './random.js';

/**
 * The p-quantile of a bootstrap resample of the trial (n draws with replacement), drawn without
 * drawing the n samples: the r-th smallest of n uniforms is Beta(r, n − r + 1), and the trial's
 * inverse distribution function maps it to a value.
 */
export function resampledQuantile(e: Empirical, p: number, r: Rng): number {
  const rank = rankOf(e.count, p);
  return valueAtRank(e, beta(r, rank, e.count - rank + 1) * e.count);
}

/** What one trial says about a metric: its value, and a draw of that value from a resample of the trial. */
export interface TrialMeasure { value: number; draw(r: Rng): number }

/** Resampled quantiles drawn once per trial and then picked from: the bootstrap needs thousands of draws per trial. */
const POOL = 512;

export function quantileOf(e: Empirical, p: number): TrialMeasure {
  let pool: Float64Array | undefined;
  return {
    value: quantile(e, p),
    draw(r) {
      pool ??= Float64Array.from({ length: POOL }, () => resampledQuantile(e, p, r));
      return pool[Math.floor(r() * POOL)];
    },
  };
}
/** A per-trial number with no samples behind it to resample (a rate). */
export const fixed = (value: number): TrialMeasure => ({ value, draw: () => value });
/** Two measures of the same trial, divided: resampled together, so what the trial shared cancels. */
export const ratioOf = (a: TrialMeasure, b: TrialMeasure): TrialMeasure => ({ value: a.value / b.value, draw: (r) => a.draw(r) / b.draw(r) });


/**
 * The median over trials, not a percentile of all trials' samples pooled: one trial disturbed by the
 * machine would own the pooled tail, while it moves a median of five by one rank.
 */
const medianOver = (trials: TrialMeasure[]) => median(trials.map((t) => t.value));

/** `scratch` has one slot per trial: this runs thousands of times per comparison. */
function resampledMedian(trials: TrialMeasure[], r: Rng, scratch: Float64Array): number {
  for (let i = 0; i < trials.length; i++) {
    // Insertion sort as it fills: a handful of trials, thousands of times.
    const x = trials[Math.floor(r() * trials.length)].draw(r);
    let j = i;
    for (; j > 0 && scratch[j - 1] > x; j--) scratch[j] = scratch[j - 1];
    scratch[j] = x;
  }
  return middleOfSorted(scratch);
}

/** Enough draws that `tail` of them is at least 20, within a bound on time. */
const iterationsFor = (tail: number) => Math.min(20_000, Math.max(2_000, Math.ceil(20 / tail)));

export interface Change { baseline: number; candidate: number; ratio: Interval }

/**
 * Candidate ÷ baseline of the median over trials, with a percentile-bootstrap interval that leaves
 * `tail` of the resampled ratios on each side.
 */
export function change(baseline: TrialMeasure[], candidate: TrialMeasure[], tail: number, r: Rng): Change {
  const b = medianOver(baseline);
  const c = medianOver(candidate);
  const bs = new Float64Array(baseline.length);
  const cs = new Float64Array(candidate.length);
  const draws = sortedDraws(tail, () => resampledMedian(candidate, r, cs) / resampledMedian(baseline, r, bs));
  return { baseline: b, candidate: c, ratio: { value: c / b, ...bounds(draws, tail) } };
}

/** One run's median over trials with its interval (a budget is checked against the run alone). */
export function level(trials: TrialMeasure[], tail: number, r: Rng): Interval {
  const scratch = new Float64Array(trials.length);
  return { value: medianOver(trials), ...bounds(sortedDraws(tail, () => resampledMedian(trials, r, scratch)), tail) };
}

function sortedDraws(tail: number, draw: () => number): Float64Array {
  const draws = new Float64Array(iterationsFor(tail));
  for (let i = 0; i < draws.length; i++) draws[i] = draw();
  return draws.sort();
}

function bounds(sorted: Float64Array, tail: number): { low: number; high: number } {
  const k = Math.floor(tail * sorted.length);
  return { low: sorted[k], high: sorted[sorted.length - 1 - k] };
}

/**
 * Widens a ratio's interval by a normal error of log-sd `spread` in each of two runs, added in
 * quadrature: how much whole runs differ is invisible inside one run, so the bootstrap cannot see it.
 */
export function widened(ratio: Interval, spread: number, tail: number): Interval {
  // A ratio of 0 or ∞ (nothing succeeded on one side) is no drift.
  if (!(ratio.value > 0 && Number.isFinite(ratio.value))) return ratio;
  const extra = normalQuantile(1 - tail) * Math.SQRT2 * Math.log1p(spread);
  const v = Math.log(ratio.value);
  return {
    value: ratio.value,
    low: Math.exp(v - Math.hypot(v - Math.log(ratio.low), extra)),
    high: Math.exp(v + Math.hypot(Math.log(ratio.high) - v, extra)),
  };
}

/** Inverse of the standard normal distribution function (Acklam's rational approximation, error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tailPart = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tailPart(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tailPart(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
