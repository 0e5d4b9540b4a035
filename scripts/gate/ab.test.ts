// The paired comparison of a same-job A/B on synthetic runs: each pair of trials shares the machine's
// speed of that moment (which varies a lot from pair to pair, as on a shared machine), the candidate
// is slower by a known factor. Pairing must see through the drift that unpaired trials cannot.
import { describe, expect, it } from 'vitest';
import { recordUs, usHistogram } from '../bench/histogram.js';
import { SCHEMA_VERSION, type Cell, type RunResult } from '../bench/results.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { runAbGate } from './ab.js';
import { syntheticCell } from './synthetic-cell.js';
import { gateRun, pairRuns } from './inputs.js';
import { rng, type Rng } from './random.js';
import { runGate } from './verdict.js';

const SCENARIO: Scenario = {
  name: 'synthetic', description: 'ab tests', mix: { checkout: 1 }, arrival: { model: 'constant', rateRps: 20 },
  durationS: 8, warmupS: 2, seed: { skus: 10_000, customers: 1000 }, maxInFlight: 256, timeoutMs: 5000, slo: {},
};
const SETTINGS = { minEffect: 0.1, confidence: 0.99, runDrift: 0.03 };
const PAIRS = 5;
const SAMPLES = 2000;

const normal = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

function cell(trial: number, speed: number, r: Rng): Cell {
  const h = usHistogram();
  for (let i = 0; i < SAMPLES; i++) recordUs(h, 1000 * speed * 8 * Math.exp(0.35 * normal(r)));
  return syntheticCell('monolith', trial, SCENARIO, h);
}

const run = (id: string, cells: Cell[]): RunResult => ({
  schemaVersion: SCHEMA_VERSION, runId: id,
  environment: { hostname: 'test', os: 'Linux', node: 'v20.20.2', cpuModel: 'Test CPU', cores: 2, memoryGb: 8, loadAverage: [0, 0, 0], gitSha: id, gitDirty: false, startedAt: '2026-01-01T00:00:00.000Z' },
  config: { profile: 'ci', scenario: SCENARIO, wirings: ['monolith'], trials: PAIRS, driver: 'builtin', target: null, db: 'none', injectDelay: '', method: 'synthetic' },
  cells, target: [], micro: [], finishedAt: '2026-01-01T00:00:00.000Z',
});

/** `factor`: the candidate's slowdown; each pair shares one machine speed, log-sd 0.3 from pair to pair. */
function abRuns(seed: number, factor: number): { base: RunResult; candidate: RunResult } {
  const r = rng(seed);
  const speeds = Array.from({ length: PAIRS }, () => Math.exp(0.3 * normal(r)));
  return {
    base: run('base', speeds.map((s, i) => cell(i + 1, s, r))),
    candidate: run('candidate', speeds.map((s, i) => cell(i + 1, s * factor, r))),
  };
}

const abGate = (seed: number, factor: number) => {
  const { base, candidate } = abRuns(seed, factor);
  return runAbGate({ base, candidate, baseSha: 'b'.repeat(40), candidateSha: 'c'.repeat(40), candidateDirty: false, pairs: PAIRS, outDir: 'ab' }, SETTINGS);
};
const p50 = (g: ReturnType<typeof abGate>) => g.comparisons.find((c) => c.metric === 'p50')!;

describe('same-job A/B: paired ratios', () => {
  const seeds = [1, 2, 3, 4, 5, 6];

  it('catches +25 % through drift between pairs that hides it from unpaired trials', () => {
    for (const seed of seeds) {
      const paired = abGate(seed, 1.25);
      expect(p50(paired).verdict, `seed ${seed}`).toBe('regressed');
      expect(paired.pass).toBe(false);
      // The ratio is the median of the pairs' ratios: close to the true factor whatever each pair's speed.
      expect(p50(paired).ratio!.value).toBeGreaterThan(1.15);
      expect(p50(paired).ratio!.value).toBeLessThan(1.35);
    }
    // Same data, trials resampled independently (the stored-run gate): the pair-to-pair drift hides the change.
    const unhidden = seeds.filter((seed) => {
      const { base, candidate } = abRuns(seed, 1.25);
      const unpaired = runGate(pairRuns(gateRun('base', base), gateRun('candidate', candidate)), SETTINGS);
      return unpaired.comparisons.find((c) => c.metric === 'p50')!.verdict === 'regressed';
    });
    console.log(`+25 % under pair-to-pair drift: unpaired gate caught it in ${unhidden.length} of ${seeds.length} seeds, paired in ${seeds.length}`);
    expect(unhidden.length).toBeLessThan(seeds.length / 2);
  });

  it('passes unchanged code, names both SHAs and shows each side\'s own median', () => {
    for (const seed of seeds) expect(abGate(seed, 1).pass, `seed ${seed}`).toBe(true);
    const g = abGate(seeds[0], 1.25);
    expect(g.ab).toMatchObject({ baseSha: 'b'.repeat(40), candidateSha: 'c'.repeat(40), pairs: PAIRS, order: 'ABBA' });
    const c = p50(g);
    expect(c.candidate! / c.baseline!).toBeGreaterThan(1.1);
    expect(c.baseline).toBeGreaterThan(2);
  });
});
