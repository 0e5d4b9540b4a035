// Intervals for a same-job A/B's paired ratios (candidate trial ÷ its partner base trial), one value per
// pair. Three ways, compared on measured gates by `npm run gate-power` (README "What it can tell"):
// - bootstrap: resample the pairs and, within each, both trials' samples (stats.ts `change`);
// - student-t: the mean of the pairs' log ratios, with Student's t for n − 1 degrees of freedom;
// - sign: the median pair's ratio, with the distribution-free interval of the sign test: order
//   statistics of the pairs, exact under any distribution, but no narrower than n pairs can resolve
//   (a one-sided level of 2⁻ⁿ at best: 5 pairs cannot show anything at 0.1 %).
import type { Interval, Statistic } from '../../results/gate.js';

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
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(1 - tail, n - 1) * sd / Math.sqrt(n);
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

/** Student's t distribution function, from the regularized incomplete beta function. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Inverse of studentTCdf, by bisection (monotone; 100 halvings reach double precision). */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** I_x(a, b): Lentz's continued fraction (Numerical Recipes, betacf), using the symmetry for x past the mean. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let f = d;
  for (let m = 1; m <= 300; m++) {
    for (const num of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      f *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-15) break;
  }
  return (front * f) / a;
}

/** Lanczos' approximation (g = 7, 9 terms). */
function logGamma(z: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}
