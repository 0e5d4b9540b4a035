// Numbers as the report prints them: few significant digits, units always said, nothing invented for
// a missing value.

export const MISSING = '—';

import { atLeast } from '../results/lower-bound.js';
import { RATIO_CONFIDENCE, RATIO_METHOD, type RatioInterval } from '../results/ratio-interval.js';

export { median } from '../results/median.js';

export function ratio(x: number | undefined, base: number | undefined): number | undefined {
  return x === undefined || base === undefined || base === 0 ? undefined : x / base;
}

/** Three significant digits below 100, whole numbers with thousands separators above. */
export function num(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return MISSING;
  const a = Math.abs(x);
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  if (a === 0) return '0';
  return Number(x.toPrecision(3)).toString();
}

export const ms = (x: number | undefined) => (x === undefined ? MISSING : `${num(x)} ms`);

/** A latency that is only "at least" (over 1 % of its sends dropped or timed out) reads "≥ 41 ms". */
export const msAtLeast = (x: number | undefined, lowerBound: boolean | undefined) => (x === undefined ? MISSING : atLeast(ms(x), lowerBound));

/** A duration given in µs, printed in the unit that keeps it readable (ns, µs or ms). */
export function us(x: number | undefined): string {
  if (x === undefined) return MISSING;
  if (x < 1) return `${num(x * 1000)} ns`;
  if (x >= 1000) return `${num(x / 1000)} ms`;
  return `${num(x)} µs`;
}

export function times(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return MISSING;
  return `${r >= 10 ? Math.round(r).toLocaleString('en-US') : Number(r.toPrecision(2)).toString()}×`;
}

export const percent = (share: number | undefined) => (share === undefined ? MISSING : `${num(share * 100)} %`);

/** "0.8–1.3×", or why there is none (one trial has no spread). */
export function ratioRange(r: RatioInterval): string {
  if (!Number.isFinite(r.low) || !Number.isFinite(r.high)) return r.rounds < 2 ? 'no interval: one trial' : 'no interval';
  const two = (x: number) => (x >= 10 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(2)).toString());
  return `${two(r.low)}–${two(r.high)}×`;
}

/** "1.4× [1.1–1.8×]": a ratio always with its interval. */
export const timesWithRange = (r: RatioInterval | undefined) => (r === undefined ? MISSING : `${times(r.value)} [${ratioRange(r)}]`);

/** "90 % intervals, paired rounds, Student's t (3 rounds)": named once beside every set of intervals. */
export const intervalMethod = (rounds: number) => `${RATIO_CONFIDENCE * 100} % intervals: ${RATIO_METHOD}${rounds > 1 ? ` over ${rounds} rounds` : ', which needs ≥ 2 trials per wiring'}`;
