import { describe, expect, it } from 'vitest';
import { rateAndP99 } from './progress.js';

describe('rateAndP99', () => {
  it('prints what a driver measured over the last interval, and a dash for what it has not said', () => {
    expect(rateAndP99({ phase: 'measure', elapsedS: 1, remainingS: 9, rateRps: 811.6, p99Ms: 4.25 })).toBe(' · 812 req/s · p99 4.3 ms');
    expect(rateAndP99({ phase: 'measure', elapsedS: 1, remainingS: 9, rateRps: 50, p99Ms: 4.25 }, 2)).toBe(' · 50 req/s · p99 4.25 ms');
    // k6 streams no percentiles while it runs.
    expect(rateAndP99({ phase: 'measure', elapsedS: 1, remainingS: 9, rateRps: 50, p99Ms: Number.NaN })).toBe(' · 50 req/s · p99 — ms');
    expect(rateAndP99({ phase: 'drain', elapsedS: 1, remainingS: Number.NaN })).toBe(' · — req/s · p99 — ms');
  });
});
