import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/scenario.js';
import { arrivals, schedule, warmupRate } from './schedule.js';

const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]);

describe('arrivals', () => {
  it('spaces a constant rate evenly, each send in the middle of its share', () => {
    const xs = [...arrivals(() => 100, 10)];
    expect(xs.length).toBe(1000);
    expect(xs[0]).toBeCloseTo(0.005, 9);
    for (const g of gaps(xs)) expect(g).toBeCloseTo(0.01, 9);
  });

  it('follows a ramp: as many sends as its area, closer together as the rate rises', () => {
    const rate = (t: number) => (t < 10 ? 10 * t : 100);
    const xs = [...arrivals(rate, 15)];
    expect(xs.length).toBe(1000);
    expect(xs.filter((x) => x < 10).length).toBe(500);
    const g = gaps(xs.filter((x) => x < 10));
    expect(g[g.length - 1]).toBeLessThan(g[0] / 10);
    for (let i = 1; i < g.length; i++) expect(g[i]).toBeLessThanOrEqual(g[i - 1] + 1e-9);
  });

  it('sends nothing while the rate is 0', () => {
    expect([...arrivals(() => 0, 5)]).toEqual([]);
    expect([...arrivals((t) => (t < 2 ? 0 : 10), 3)].every((x) => x >= 2)).toBe(true);
  });
});

describe('schedule', () => {
  it('runs the warm-up at the first rate, then the measured part offset by the warm-up', () => {
    const due = [...schedule({ model: 'constant', rateRps: 50 }, 2, 4)];
    expect(due.filter((d) => !d.measured).length).toBe(100);
    expect(due.filter((d) => d.measured).length).toBe(200);
    expect(due.find((d) => d.measured)!.atMs).toBeCloseTo(2010, 6);
    expect(due.every((d, i) => i === 0 || d.atMs > due[i - 1].atMs)).toBe(true);
  });

  it('offers the mixed-ramp scenario as many sends as the area under its stages', () => {
    const s = loadScenario('mixed-ramp');
    const measured = [...schedule(s.arrival, 0, s.durationS)].length;
    const area = (20 + 200) / 2 * 15 + (200 + 400) / 2 * 15 + (400 + 800) / 2 * 15 + (800 + 1200) / 2 * 10;
    expect(Math.abs(measured - area)).toBeLessThanOrEqual(1);
  });

  it('warms a ramp that starts at 0 at its first target', () => {
    expect(warmupRate({ model: 'ramp', startRps: 0, stages: [{ durationS: 5, targetRps: 40 }] })).toBe(40);
    expect(warmupRate({ model: 'ramp', startRps: 20, stages: [{ durationS: 5, targetRps: 40 }] })).toBe(20);
  });
});
