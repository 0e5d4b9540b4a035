// The paired comparison of a same-job A/B on synthetic runs: each pair of trials shares the machine's
// speed of that moment (which varies a lot from pair to pair, as on a shared machine), the candidate
// is slower by a known factor. Pairing must see through the drift that unpaired trials cannot.
import { describe, expect, it } from 'vitest';
import { recordUs, usHistogram } from '../../results/histogram.js';
import { SCHEMA_VERSION, type Cell, type RunResult } from '../../results/run.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { runAbGate, undecidedChecks } from './ab.js';
import { syntheticCell } from './synthetic-cell.js';
import { gateRun, pairRuns } from './inputs.js';
import { rng, type Rng } from './random.js';
import type { GateSettings } from '../../results/gate.js';
import { runGate } from './verdict.js';

const SCENARIO: Scenario = {
  name: 'synthetic', description: 'ab tests', mix: { checkout: 1 }, arrival: { model: 'constant', rateRps: 20 },
  durationS: 8, warmupS: 2, seed: { skus: 10_000, customers: 1000 }, maxInFlight: 256, timeoutMs: 5000, slo: {}, faults: [],
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
function abRuns(seed: number, factor: number, pairs = PAIRS): { base: RunResult; candidate: RunResult } {
  const r = rng(seed);
  const speeds = Array.from({ length: pairs }, () => Math.exp(0.3 * normal(r)));
  return {
    base: run('base', speeds.map((s, i) => cell(i + 1, s, r))),
    candidate: run('candidate', speeds.map((s, i) => cell(i + 1, s * factor, r))),
  };
}

const abGate = (seed: number, factor: number, settings: GateSettings = SETTINGS, runs = abRuns(seed, factor)) =>
  runAbGate({ ...runs, baseSha: 'b'.repeat(40), candidateSha: 'c'.repeat(40), candidateDirty: false, pairs: runs.base.cells.length, outDir: 'ab' }, settings);
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

describe('same-job A/B: the paired statistics, the sequential stop, budgets and the hop to blame', () => {
  it('student-t catches +25 % and passes unchanged code; the sign test cannot resolve 5 pairs at the per-check level and says so', () => {
    const t = { ...SETTINGS, statistic: 'student-t' as const };
    for (const seed of [1, 2, 3]) {
      expect(p50(abGate(seed, 1.25, t)).verdict, `seed ${seed}`).toBe('regressed');
      expect(abGate(seed, 1, t).pass, `seed ${seed}`).toBe(true);
    }
    const sign = p50(abGate(1, 1.25, { ...SETTINGS, statistic: 'sign' }));
    expect(sign).toMatchObject({ verdict: 'too few samples', gated: true });
    expect(sign.note).toMatch(/5 pairs cannot resolve/);
    // 12 pairs can: 2⁻¹² is below the per-check level of a 1 % family.
    expect(p50(abGate(1, 1.25, { ...SETTINGS, statistic: 'sign' }, abRuns(1, 1.25, 12))).verdict).toBe('regressed');
  });

  it('a change near the minimum effect is undecided at 5 pairs — the sequential gate asks for more — and decided with more', () => {
    const t = { ...SETTINGS, statistic: 'student-t' as const };
    // +8 %: below the minimum effect, so never "regressed"; 5 pairs cannot rule out +10 % either.
    const few = abGate(7, 1.08, t, abRuns(7, 1.08, 5));
    expect(p50(few).verdict).toBe('unchanged');
    expect(undecidedChecks(few).map((c) => c.metric)).toContain('p50');
    // Unchanged code with many pairs: every check shown within ±10 %, nothing left undecided.
    expect(undecidedChecks(abGate(8, 1, t, abRuns(8, 1, 20)))).toEqual([]);
  });

  it('spends the false-alarm budget over the looks of a sequential gate', () => {
    const one = abGate(1, 1, { ...SETTINGS, statistic: 'student-t' });
    const six = abGate(1, 1, { ...SETTINGS, statistic: 'student-t', looks: 6 });
    expect(six.settings.perCheckConfidence).toBeGreaterThan(one.settings.perCheckConfidence);
    expect(1 - six.settings.perCheckConfidence).toBeCloseTo((1 - one.settings.perCheckConfidence) / 6, 10);
  });

  it('reports a budget the base misses as well without failing on it; fails on one only the candidate misses', () => {
    const tight = { ...SCENARIO, slo: { checkout: { p50Ms: 4 } } };
    const withSlo = (r: RunResult): RunResult => ({ ...r, config: { ...r.config, scenario: tight } });
    const both = abRuns(3, 1);
    const g = abGate(3, 1, SETTINGS, { base: withSlo(both.base), candidate: withSlo(both.candidate) });
    expect(g.budgets[0]).toMatchObject({ verdict: 'missed', preexisting: true });
    expect(g.pass).toBe(true);
    expect(g.warnings.join(' ')).toMatch(/missed by the base as well/);
    // The base meets 10 ms; a candidate three times as slow does not.
    const loose = { ...SCENARIO, slo: { checkout: { p50Ms: 10 } } };
    const runs = abRuns(3, 3);
    const g2 = abGate(3, 3, SETTINGS, { base: { ...runs.base, config: { ...runs.base.config, scenario: loose } }, candidate: { ...runs.candidate, config: { ...runs.candidate.config, scenario: loose } } });
    expect(g2.budgets[0]).toMatchObject({ verdict: 'missed' });
    expect(g2.budgets[0].preexisting).toBeUndefined();
    expect(g2.pass).toBe(false);
  });
});
