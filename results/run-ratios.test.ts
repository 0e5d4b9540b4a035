// The run's ratio intervals on synthetic runs (made-up numbers, never a measurement) whose true ratio is
// known: every sample of the candidate is the baseline's distribution × RATIO, and each cell runs at its
// own speed (the machine's drift between trials), so an interval that ignored the trials would miss.
import { describe, expect, it } from 'vitest';
import { recordUs, usHistogram } from './histogram.js';
import { cellRatio, pooledLatency } from './run-ratios.js';
import { pairedRatio, resolvedRatio } from './ratio-interval.js';
import { SCHEMA_VERSION, type Cell, type RunResult } from './run.js';
import { rng, type Rng } from '../scripts/gate/random.js';
import { syntheticCell } from '../scripts/gate/synthetic-cell.js';
import type { Scenario } from '../scenarios/scenario.js';

const RATIO = 1.5;
const SCENARIO = { name: 'synthetic', durationS: 8, warmupS: 2 } as Scenario;

const normal = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** 3 rounds of 160 answers per wiring, as the default profile; trials drift ±20 % (log-sd) around their wiring. */
function syntheticRun(seed: number, rounds = 3, samples = 160, ratio = RATIO): RunResult {
  const r = rng(seed);
  const cells: Cell[] = [];
  for (let trial = 1; trial <= rounds; trial++) {
    const roundSpeed = Math.exp(0.15 * normal(r));
    for (const [wiring, factor] of [['monolith', 1], ['split', ratio]] as const) {
      const speed = roundSpeed * Math.exp(0.2 * normal(r)) * factor;
      const h = usHistogram();
      for (let i = 0; i < samples; i++) recordUs(h, 1000 * speed * 10 * Math.exp(0.5 * normal(r)));
      const cell = syntheticCell(wiring, trial, SCENARIO, h);
      cells.push({ ...cell, cost: { ...cell.cost, cpuSPer1kRequests: speed } });
    }
  }
  return {
    schemaVersion: SCHEMA_VERSION, runId: `synthetic-${seed}`, environment: {} as RunResult['environment'],
    config: { profile: 'default', scenario: SCENARIO, wirings: ['monolith', 'split'], trials: rounds, driver: 'builtin', target: null, db: 'none', injectDelay: '', method: 'synthetic' },
    cells, target: [], micro: [], finishedAt: '',
  };
}

const covers = (lo: number, hi: number, x: number) => lo <= x && x <= hi;

describe('ratio intervals (paired rounds, Student\'s t)', () => {
  it('the 90 % interval of p50, p99 and CPU covers the known ratio in ≥ 85 of 100 seeds', () => {
    const hits = { p50: 0, p99: 0, cpu: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const run = syntheticRun(seed);
      const split = pooledLatency(run, 'monolith').find((x) => x.wiring === 'split' && x.workflow === 'checkout')!;
      for (const k of ['p50', 'p99'] as const) if (covers(split.vsBaseline![k].low, split.vsBaseline![k].high, RATIO)) hits[k]++;
      const cpu = cellRatio(run, 'monolith', 'split', (c) => c.cost.cpuSPer1kRequests)!;
      if (covers(cpu.low, cpu.high, RATIO)) hits.cpu++;
    }
    expect(hits.p50).toBeGreaterThanOrEqual(85);
    expect(hits.p99).toBeGreaterThanOrEqual(85);
    expect(hits.cpu).toBeGreaterThanOrEqual(85);
  });

  it('an unchanged wiring is called a difference in at most 15 of 100 seeds', () => {
    let claimed = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const split = pooledLatency(syntheticRun(1000 + seed, 3, 160, 1), 'monolith').find((x) => x.wiring === 'split' && x.workflow === 'checkout')!;
      if (resolvedRatio(split.vsBaseline!.p99)) claimed++;
    }
    expect(claimed).toBeLessThanOrEqual(15);
  });

  it('pools the trials: the headline p99 is the merged histograms\' percentile, and the baseline has no ratio', () => {
    const run = syntheticRun(7);
    const rows = pooledLatency(run, 'monolith').filter((x) => x.workflow === 'checkout');
    expect(rows.map((x) => [x.wiring, x.trials])).toEqual([['monolith', 3], ['split', 3]]);
    expect(rows[0].vsBaseline).toBeUndefined();
    // 480 answers: p99 at rank 476, above every single trial's p50 and within the trials' own p99 range.
    const perTrialP99 = run.cells.filter((c) => c.wiring === 'split').map((c) => c.driver.workflows[1].latencyMs.p99);
    expect(rows[1].ms.p99).toBeGreaterThanOrEqual(Math.min(...perTrialP99) * 0.99);
    expect(rows[1].ms.p99).toBeLessThanOrEqual(Math.max(...perTrialP99) * 1.01);
    expect(rows[1].vsBaseline!.p99.rounds).toBe(3);
  });

  it('one round has no interval and resolves nothing', () => {
    const one = pairedRatio(1.4, [[10, 14]]);
    expect(one.rounds).toBe(1);
    expect(Number.isNaN(one.low) && Number.isNaN(one.high)).toBe(true);
    expect(resolvedRatio(one)).toBe(false);
  });

  it('a known answer: two rounds of log ratios ±0.1 around ln 2 give 2 × e^(±6.314 × 0.1414 / √2) at 90 %', () => {
    const r = pairedRatio(2, [[1, 2 * Math.exp(0.1)], [1, 2 * Math.exp(-0.1)]]);
    const half = 6.3138 * Math.SQRT2 * 0.1 / Math.SQRT2;
    expect(r.low).toBeCloseTo(2 * Math.exp(-half), 3);
    expect(r.high).toBeCloseTo(2 * Math.exp(half), 3);
  });
});
