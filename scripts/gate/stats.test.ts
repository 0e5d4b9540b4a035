// The gate's statistics against what they must agree with: HdrHistogram's percentiles, the Beta
// distribution's moments, and "no change" when nothing changed.
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { recordUs, usHistogram } from '../../results/histogram.js';
import { beta, rng } from './random.js';
import { empirical, quantile, trialsOf } from '../../results/trials.js';
import { change, quantileOf, resampledQuantile } from './stats.js';

describe('stats', () => {
  it("computes a percentile the way HdrHistogram does (the gate's p99 is run.json's p99)", () => {
    const r = rng(1);
    const h = usHistogram();
    const pairs = new Map<number, number>();
    for (let i = 0; i < 777; i++) recordUs(h, Math.round(1000 + 50_000 * r() ** 3));
    if (!(h instanceof hdr.JsHistogram)) throw new Error('expected a JsHistogram');
    const it = h.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) { const v = it.next(); pairs.set(v.valueIteratedTo, v.countAtValueIteratedTo); }
    const e = empirical([...pairs]);
    for (const p of [0.01, 0.5, 0.9, 0.99, 0.999, 1]) expect(quantile(e, p)).toBe(h.getValueAtPercentile(p * 100));
  });

  it('draws Beta variates with the right mean and spread', () => {
    const r = rng(2);
    const xs = Array.from({ length: 20_000 }, () => beta(r, 3, 7));
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(0.3, 2);
    expect(variance).toBeCloseTo((3 * 7) / (10 * 10 * 11), 3);
  });

  it("resamples a trial's quantile around its value, within its range", () => {
    const e = empirical(Array.from({ length: 1000 }, (_, i) => [i + 1, 1] as [number, number]));
    const r = rng(3);
    const draws = Array.from({ length: 4000 }, () => resampledQuantile(e, 0.9, r)).sort((a, b) => a - b);
    expect(draws[0]).toBeGreaterThanOrEqual(1);
    expect(draws.at(-1)).toBeLessThanOrEqual(1000);
    // The 90th percentile of 1000 uniform ranks: 900, give or take √(1000·0.9·0.1) ≈ 9.5 ranks.
    expect(Math.abs(draws[2000] - 900)).toBeLessThan(3);
    expect(draws[3900] - draws[100]).toBeGreaterThan(2 * 1.96 * 9.5 * 0.8);
    expect(draws[3900] - draws[100]).toBeLessThan(2 * 1.96 * 9.5 * 1.2);
  });

  it('finds no change between a set of trials and itself', () => {
    const r = rng(4);
    const trials = Array.from({ length: 5 }, () => empirical(Array.from({ length: 300 }, () => [Math.round(100 * Math.exp(r())), 1] as [number, number])));
    const c = change(trials.map((t) => quantileOf(t, 0.99)), trials.map((t) => quantileOf(t, 0.99)), 0.005, rng(5));
    expect(c.ratio.value).toBe(1);
    expect(c.ratio.low).toBeLessThan(1);
    expect(c.ratio.high).toBeGreaterThan(1);
  });

  it('names the cell whose histogram does not decode', () => {
    const run = { cells: [{ wiring: 'monolith', trial: 1, driver: { durationS: 1, workflows: [{ workflow: 'all', histogram: 'garbage', ok: 1, errors: {} }] } }] };
    expect(() => trialsOf(run as never)).toThrow('cells[0].driver.workflows[0].histogram: not a compressed base64 HdrHistogram');
  });
});
