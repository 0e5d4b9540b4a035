// The spread tool's arithmetic on hand-made runs: log-sd of known values, trials pooled per wiring ×
// workflow across runs, empty workflows and zero percentiles left out.
import { describe, expect, it } from 'vitest';
import type { Cell, RunResult } from '../../results/run.js';
import { logSd, spreadOf } from './spread.js';

const latency = (p50: number, p99: number, count = 100) => ({ p50, p90: p99, p99, p999: p99, p9999: p99, max: p99, mean: p50, count });
const cell = (wiring: string, trial: number, workflows: Record<string, [number, number, number?]>) => ({
  wiring, trial,
  driver: { workflows: Object.entries(workflows).map(([workflow, [p50, p99, count]]) => ({ workflow, latencyMs: latency(p50, p99, count) })) },
}) as unknown as Cell;
const run = (runId: string, cells: Cell[]) => ({ runId, cells }) as unknown as RunResult;

describe('logSd', () => {
  it('is the sample standard deviation of the natural logarithms', () => {
    expect(logSd([1, Math.E, Math.E ** 2])).toBeCloseTo(1, 12);
    expect(logSd([5, 5, 5])).toBe(0);
    // Scale-free: the same ratios at any level give the same spread.
    expect(logSd([2, 4, 8])).toBeCloseTo(logSd([20, 40, 80])!, 12);
  });
  it('has no value for fewer than two positive values', () => {
    expect(logSd([3])).toBeNull();
    expect(logSd([0, 3])).toBeNull();
    expect(logSd([0, 1, Math.E])).toBeCloseTo(Math.SQRT1_2, 12);
  });
});

describe('spreadOf', () => {
  it('pools trials per wiring × workflow across runs, in order, with their log-sd', () => {
    const a = run('a', [
      cell('monolith', 1, { checkout: [10, 40], all: [8, 30] }),
      cell('services/grpc', 1, { checkout: [20, 80], all: [16, 60] }),
      cell('monolith', 2, { checkout: [10 * Math.E, 40], all: [8, 30], browse: [1, 2, 0] }),
    ]);
    const b = run('b', [cell('monolith', 1, { checkout: [10 * Math.E ** 2, 40 * Math.E] })]);
    const rows = spreadOf([a, b]);
    expect(rows.map((r) => `${r.wiring} ${r.workflow}`)).toEqual(['monolith checkout', 'monolith all', 'services/grpc checkout', 'services/grpc all']);
    const checkout = rows[0];
    expect(checkout.trials.map((t) => [t.run, t.trial])).toEqual([['a', 1], ['a', 2], ['b', 1]]);
    expect(checkout.logSdP50).toBeCloseTo(1, 12);
    expect(checkout.logSdP99).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(rows[1].logSdP50).toBe(0);
    expect(rows[2].logSdP50).toBeNull();
  });
});
