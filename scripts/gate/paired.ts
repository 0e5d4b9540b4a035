// Intervals for a same-job A/B's paired ratios (candidate trial ÷ its partner base trial), one value per
// pair. Three ways, compared on measured gates by `npm run gate-power` (README "What it can tell"):
// - bootstrap: resample the pairs and, within each, both trials' samples (stats.ts `change`);
// - student-t: the mean of the pairs' log ratios, with Student's t for n − 1 degrees of freedom;
// - sign: the median pair's ratio, with the distribution-free interval of the sign test: order
//   statistics of the pairs, exact under any distribution, but no narrower than n pairs can resolve
//   (a one-sided level of 2⁻ⁿ at best: 5 pairs cannot show anything at 0.1 %).
import type { Interval, Statistic } from '../../results/gate.js';
import { meanAndHalfWidth } from '../../results/student-t.js';

/** Chosen by measurement: README "What it can tell" (npm run gate-power). */
export const DEFAULT_STATISTIC: Statistic = 'bootstrap';

/** An interval leaving `tail` on each side, or why the pairs cannot give one at that level. */
export function pairedInterval(ratios: number[], tail: number, statistic: Exclude<Statistic, 'bootstrap'>): Interval | { lacking: string } {
  const n = ratios.length;
  const logs = ratios.map(Math.log).sort((a, b) => a - b);
  if (statistic === 'sign') {
    const k = signRank(n, tail);
    if (k === 0) return { lacking: `${n} pairs cannot resolve a one-sided ${level(tail)} (the sign test needs ≥ ${pairsNeeded(tail)})` };
    const mid = n % 2 ? logs[(n - 1) / 2] : (logs[n / 2 - 1] + logs[n / 2]) / 2;
    return { value: Math.exp(mid), low: Math.exp(logs[k - 1]), high: Math.exp(logs[n - k]) };
  }
  if (n < 2) return { lacking: 'one pair has no spread' };
  const { mean, half } = meanAndHalfWidth(logs, tail);
  return { value: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half) };
}

/** For the method text of a same-job A/B gate. */
export function describeStatistic(statistic: Statistic): string {
  if (statistic === 'student-t') return `each change is the geometric mean over pairs of candidate trial ÷ its partner base trial, its interval Student's t on the pairs' log ratios (n − 1 degrees of freedom), in place of the bootstrap below`;
  if (statistic === 'sign') return `each change is the median pair's candidate trial ÷ its partner base trial, its interval the sign test's (order statistics of the pairs: exact for any distribution), in place of the bootstrap below; a level the pairs cannot resolve (2⁻ⁿ) is "too few samples", not gated`;
  return 'each change is the median over pairs of candidate trial ÷ its partner base trial, its interval the bootstrap below (resampling the pairs)';
}

const level = (tail: number) => `${+(tail * 100).toPrecision(2)} %`;

/** Pairs the sign test needs before any interval at this level exists: 2⁻ⁿ ≤ tail. */
export const pairsNeeded = (tail: number) => Math.ceil(Math.log2(1 / tail));

/**
 * The largest k with P(Binomial(n, ½) ≤ k − 1) ≤ tail: then [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎] holds the median with
 * probability ≥ 1 − 2·tail. 0 when even k = 1 is too wide a promise.
 */
export function signRank(n: number, tail: number): number {
  let k = 0;
  let below = 0; // P(B ≤ k − 1) for the next k
  let term = 2 ** -n; // P(B = k)
  for (let j = 0; j <= n; j++) {
    if (below + term > tail) break;
    below += term;
    k = j + 1;
    term = (term * (n - j)) / (j + 1);
  }
  return Math.min(k, Math.floor((n + 1) / 2));
}
