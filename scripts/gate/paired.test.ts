import { describe, expect, it } from 'vitest';
import { pairedInterval, pairsNeeded, signRank } from './paired.js';
import { studentTCdf, studentTQuantile } from '../../results/student-t.js';

describe('paired statistics', () => {
  it("Student's t matches the tables", () => {
    // Quantiles from any t table: (p, df) → t.
    for (const [p, df, t] of [[0.975, 4, 2.776], [0.995, 10, 3.169], [0.999, 4, 7.173], [0.95, 1, 6.314], [0.975, 1000, 1.962]] as const) {
      expect(studentTQuantile(p, df)).toBeCloseTo(t, 2);
      expect(studentTCdf(t, df)).toBeCloseTo(p, 3);
    }
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776, 2);
  });

  it('the sign test resolves no level finer than 2⁻ⁿ', () => {
    expect(signRank(5, 0.05)).toBe(1); // P(B ≤ 0) = 1/32
    expect(signRank(5, 0.01)).toBe(0);
    expect(signRank(10, 11 / 1024)).toBe(2); // P(B ≤ 1) = 11/1024
    expect(pairsNeeded(0.001)).toBe(10);
    expect(pairedInterval([1.2, 1.3, 1.1, 1.25, 1.4], 0.001, 'sign')).toEqual({ lacking: expect.stringContaining('needs ≥ 10') });
  });

  it('the sign interval is order statistics of the ratios, the t interval is symmetric in logs', () => {
    const ratios = [1.1, 1.3, 1.2, 0.9, 1.25, 1.15, 1.05, 1.4, 1.2, 1.3, 1.1];
    const sign = pairedInterval(ratios, 0.0327, 'sign');
    // n = 11: P(B ≤ 1) = 12/2048 ≤ 0.0327 < P(B ≤ 2) = 67/2048, so k = 2.
    expect(sign).toMatchObject({ value: 1.2, low: 1.05, high: 1.3 });
    const st = pairedInterval(ratios, 0.025, 'student-t') as { value: number; low: number; high: number };
    expect(Math.log(st.high / st.value)).toBeCloseTo(Math.log(st.value / st.low), 10);
    expect(st.low).toBeGreaterThan(1);
  });
});
