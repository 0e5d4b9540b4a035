import { describe, expect, it } from 'vitest';
import { median as reportMedian } from '../reports/format.js';
import { median } from './median.js';

describe('median (console, report and gate share it)', () => {
  it('is the middle value, or the mean of the two middle ones for an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 20])).toBe(15);
    expect(median([])).toBeUndefined();
    expect(median(Float64Array.from([2, 1]))).toBe(1.5);
  });
  it('is the same function in the report', () => {
    expect(reportMedian).toBe(median);
  });
});
