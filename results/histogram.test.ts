import { describe, expect, it } from 'vitest';
import { decode, encode, latencyMs, recordUs, usHistogram } from './histogram.js';

describe('histogram', () => {
  it('summarises µs samples in ms', () => {
    const h = usHistogram();
    for (let i = 1; i <= 1000; i++) recordUs(h, i * 100);
    const l = latencyMs(h);
    expect(l.count).toBe(1000);
    expect(l.p50).toBeCloseTo(50, 1);
    expect(l.p99).toBeCloseTo(99, 1);
    expect(l.max).toBeCloseTo(100, 1);
    expect(l.mean).toBeCloseTo(50.05, 1);
  });

  it('survives its encoding', () => {
    const h = usHistogram();
    [3, 250, 251, 4_000, 1_234_567].forEach((v) => recordUs(h, v));
    expect(latencyMs(decode(encode(h)))).toEqual(latencyMs(h));
  });

  it('is all zeros when empty and clamps what it cannot track', () => {
    expect(latencyMs(usHistogram())).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, p9999: 0, max: 0, mean: 0, count: 0 });
    const h = usHistogram();
    recordUs(h, 120_000_000);
    recordUs(h, -5);
    expect(latencyMs(h).max).toBeCloseTo(60_000, -2);
    expect(latencyMs(h).count).toBe(2);
  });
});
