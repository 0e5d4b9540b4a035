// The one median of the suite (console summary, report, gate): the middle value, or the mean of the two
// middle ones for an even count — so a run with 2 or 4 trials reads the same everywhere.

/** `sorted` ascending and not empty. */
export function middleOfSorted(sorted: ArrayLike<number>): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** undefined for no values. */
export function median(xs: ArrayLike<number>): number | undefined {
  return xs.length === 0 ? undefined : middleOfSorted(Float64Array.from(xs).sort());
}

/** NaN for no values: for arithmetic that must carry on (a ratio of NaN prints as "—"). */
export const medianOrNaN = (xs: ArrayLike<number>): number => median(xs) ?? Number.NaN;
