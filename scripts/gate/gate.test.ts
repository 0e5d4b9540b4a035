// The gate on synthetic runs: run.json files whose histograms come from a known latency distribution
// with known noise, so each test knows the truth the gate should find. Verdicts and rates only, never times.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError, type Scenario } from '../../scenarios/scenario.js';
import { encode, recordUs, usHistogram } from '../../results/histogram.js';
import { SCHEMA_VERSION, type Cell, type EdgeResult, type RunResult } from '../../results/run.js';
import { MIN_EDGE_CALLS } from './edges.js';
import { tailHonesty } from '../../results/lower-bound.js';
import { gateRun, pairRuns } from './inputs.js';
import { gateMarkdown } from './markdown.js';
import { rng, type Rng } from './random.js';
import { syntheticCell } from './synthetic-cell.js';
import type { GateResult } from '../../results/gate.js';
import { runGate } from './verdict.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-gate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Noise as a machine makes it: every trial runs at its own speed, every run drifts as a whole. */
interface Noise {
  samplesPerTrial: number;
  /** Log-normal spread of a trial's speed (0.05 ≈ ±5 %). */
  trialSpread: number;
  /** Log-normal spread of a whole run's speed. */
  runSpread: number;
}

interface Distribution {
  /** ms */
  median: number;
  /** Log-normal spread of the body. */
  spread: number;
  /** Multiplies every sample above the body's 90th percentile: a tail-only regression (1.2 = p99 + 20 %, p50 unchanged). */
  tailFactor?: number;
  /** Multiplies every sample. */
  factor?: number;
}

const SCENARIO: Scenario = {
  name: 'synthetic', description: 'gate tests', mix: { checkout: 1 }, arrival: { model: 'constant', rateRps: 20 },
  durationS: 8, warmupS: 2, seed: { skus: 10_000, customers: 1000 }, maxInFlight: 256, timeoutMs: 5000, slo: {}, faults: [],
};

const ENVIRONMENT: RunResult['environment'] = {
  hostname: 'test', os: 'Linux', node: 'v20.20.2', cpuModel: 'Test CPU', cores: 2, memoryGb: 8,
  loadAverage: [0, 0, 0], gitSha: '0123456789abcdef', gitDirty: false, startedAt: '2026-01-01T00:00:00.000Z',
};

interface RunSpec {
  seed: number;
  noise: Noise;
  /** Per wiring: the latency distribution of its checkout requests. */
  wirings: Record<string, Distribution>;
  trials?: number;
  scenario?: Scenario;
  environment?: Partial<RunResult['environment']>;
  /** Per wiring: its remote calls, each edge with its round-trip distribution and calls per trial. */
  edges?: Record<string, EdgeSpec[]>;
}

interface EdgeSpec { from: string; to: string; callsPerTrial: number; rtt: Distribution }

function normal(r: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function syntheticRun(spec: RunSpec): RunResult {
  const r = rng(spec.seed);
  const trials = spec.trials ?? 5;
  const scenario = spec.scenario ?? SCENARIO;
  const runSpeed = Math.exp(spec.noise.runSpread * normal(r));
  const cells: Cell[] = [];
  for (let trial = 1; trial <= trials; trial++) {
    for (const [wiring, d] of Object.entries(spec.wirings)) {
      const speed = runSpeed * Math.exp(spec.noise.trialSpread * normal(r)) * (d.factor ?? 1);
      const h = sampled(r, d, spec.noise.samplesPerTrial, speed);
      // The edges run at the trial's speed too: the machine is the same.
      const edges = (spec.edges?.[wiring] ?? []).map((e) => edgeResult(e, sampled(r, e.rtt, e.callsPerTrial, speed / (d.factor ?? 1) * (e.rtt.factor ?? 1))));
      cells.push({ ...syntheticCell(wiring, trial, scenario, h), edges });
    }
  }
  return {
    schemaVersion: SCHEMA_VERSION, runId: `synthetic-${spec.seed}`, environment: { ...ENVIRONMENT, ...spec.environment },
    config: { profile: 'ci', scenario, wirings: Object.keys(spec.wirings), trials, driver: 'builtin', target: null, db: 'none', injectDelay: '', method: 'synthetic' },
    cells, target: [], micro: [], finishedAt: ENVIRONMENT.startedAt,
  };
}

/** `n` samples (recorded in µs) of a distribution whose every sample is multiplied by `speed`. */
function sampled(r: Rng, d: Distribution, n: number, speed: number): ReturnType<typeof usHistogram> {
  const p90 = d.median * Math.exp(d.spread * 1.2816);
  const h = usHistogram();
  for (let i = 0; i < n; i++) {
    const x = d.median * Math.exp(d.spread * normal(r));
    recordUs(h, 1000 * speed * (x > p90 ? x * (d.tailFactor ?? 1) : x));
  }
  return h;
}

function edgeResult(e: EdgeSpec, h: ReturnType<typeof usHistogram>): EdgeResult {
  const us = { p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99) };
  return { from: e.from, to: e.to, transport: 'http', calls: h.totalCount, errors: 0, rttUs: us, handlerUs: us, overheadUs: us, requestBytesMean: 100, responseBytesMean: 100, rttHistogram: encode(h) };
}

function writeRun(dir: string, name: string, run: RunResult): string {
  const file = path.join(dir, name, 'run.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(run));
  return file;
}

const SETTINGS = { minEffect: 0.1, confidence: 0.99, runDrift: 0.03 };
/** What one ci-profile cell gives: 20 req/s × 8 s; trials vary by 5 %, whole runs by 3 %. */
const CI_NOISE: Noise = { samplesPerTrial: 160, trialSpread: 0.05, runSpread: 0.03 };
const MONOLITH: Distribution = { median: 8, spread: 0.35 };
const SERVICES: Distribution = { median: 30, spread: 0.4 };

function gate(baseline: RunSpec, candidate: RunSpec, settings = SETTINGS): GateResult {
  return runGate(pairRuns(gateRun('baseline', syntheticRun(baseline)), gateRun('candidate', syntheticRun(candidate))), settings);
}
const verdictOf = (g: GateResult, wiring: string, metric: string) => g.comparisons.find((c) => c.wiring === wiring && c.metric === metric)?.verdict;

describe('gate on synthetic runs', () => {
  it('flags a +20 % p99 regression (tail only, p50 unchanged) on a quiet machine with enough samples per trial', () => {
    const noise: Noise = { samplesPerTrial: 8000, trialSpread: 0.02, runSpread: 0.01 };
    const seeds = Array.from({ length: 30 }, (_, i) => i);
    const results = seeds.map((s) => gate({ seed: 1000 + s, noise, wirings: { monolith: MONOLITH } }, { seed: 2000 + s, noise, wirings: { monolith: { ...MONOLITH, tailFactor: 1.2 } } }));
    const caught = results.filter((g) => !g.pass && verdictOf(g, 'monolith', 'p99') === 'regressed').length;
    console.log(`+20 % p99 (8,000 samples per trial, 5 trials): caught in ${caught} of ${seeds.length} seeds`);
    expect(caught / seeds.length).toBeGreaterThanOrEqual(0.95);
    expect(results.every((g) => verdictOf(g, 'monolith', 'p50') === 'unchanged')).toBe(true);
  });

  it('does not flag identical distributions with ci-profile noise: false-positive rate ≤ 1 %', () => {
    const seeds = Array.from({ length: 300 }, (_, i) => i);
    const wirings = { monolith: MONOLITH, 'services/http': SERVICES };
    const failed = seeds.filter((s) => !gate({ seed: 3000 + s, noise: CI_NOISE, wirings }, { seed: 4000 + s, noise: CI_NOISE, wirings }).pass).length;
    console.log(`unchanged code, ${seeds.length} synthetic gates of 7 checks each: ${failed} false alarm(s) (${((100 * failed) / seeds.length).toFixed(2)} %)`);
    expect(failed / seeds.length).toBeLessThanOrEqual(0.01);
  });

  it('calls a clear speed-up improved, and passes', () => {
    const g = gate({ seed: 5, noise: CI_NOISE, wirings: { monolith: MONOLITH } }, { seed: 6, noise: CI_NOISE, wirings: { monolith: { ...MONOLITH, factor: 0.5 } } });
    expect(g.pass).toBe(true);
    expect(verdictOf(g, 'monolith', 'p50')).toBe('improved');
  });

  it('across different machines gates only same-run ratios: a slower machine passes, a costlier split fails', () => {
    const wirings = { monolith: MONOLITH, 'services/http': SERVICES };
    const elsewhere = { cpuModel: 'Other CPU' };
    const slower = gate({ seed: 7, noise: CI_NOISE, wirings }, { seed: 8, noise: CI_NOISE, environment: elsewhere, wirings: { monolith: { ...MONOLITH, factor: 2 }, 'services/http': { ...SERVICES, factor: 2 } } });
    expect(slower.pass).toBe(true);
    expect(verdictOf(slower, 'monolith', 'p50')).toBe('regressed');
    expect(slower.comparisons.find((c) => c.metric === 'p50')?.gated).toBe(false);
    expect(slower.warnings.join()).toContain('environments differ (cpu: Test CPU vs Other CPU');

    const costlier = gate({ seed: 9, noise: CI_NOISE, wirings }, { seed: 10, noise: CI_NOISE, environment: elsewhere, wirings: { monolith: MONOLITH, 'services/http': { ...SERVICES, factor: 2 } } });
    expect(costlier.pass).toBe(false);
    expect(verdictOf(costlier, 'services/http', 'p99 ÷ monolith')).toBe('regressed');
  });

  it('flags a candidate that answered nothing successfully as a throughput regression', () => {
    const failing = syntheticRun({ seed: 13, noise: CI_NOISE, wirings: { monolith: MONOLITH } });
    for (const c of failing.cells) for (const w of c.driver.workflows) { w.errors = { timeout: w.ok }; w.ok = 0; }
    const g = runGate(pairRuns(gateRun('baseline', syntheticRun({ seed: 14, noise: CI_NOISE, wirings: { monolith: MONOLITH } })), gateRun('candidate', failing)), SETTINGS);
    expect(verdictOf(g, 'monolith', 'throughput')).toBe('regressed');
    expect(g.pass).toBe(false);
  });

  it('says when a trial has too few samples for a p99, and does not gate it', () => {
    const few: Noise = { ...CI_NOISE, samplesPerTrial: 50 };
    const g = gate({ seed: 11, noise: few, wirings: { monolith: MONOLITH } }, { seed: 12, noise: few, wirings: { monolith: { ...MONOLITH, factor: 3 } } });
    const p99 = g.comparisons.find((c) => c.metric === 'p99')!;
    expect([p99.verdict, p99.gated]).toEqual(['too few samples', false]);
    expect(p99.note).toContain('p99 needs ≥ 100 per trial');
    expect(verdictOf(g, 'monolith', 'p50')).toBe('regressed');
  });
});

describe('dropped sends', () => {
  /** The candidate's services/http lost `share` of its sends to drops in every trial (the builtin driver's errors.dropped). */
  function withDrops(run: RunResult, wiring: string, share: number): RunResult {
    for (const c of run.cells.filter((x) => x.wiring === wiring)) {
      for (const w of c.driver.workflows) {
        w.errors = { ...w.errors, dropped: Math.round((w.ok * share) / (1 - share)) };
        Object.assign(w, tailHonesty(w.ok, w.errors));
      }
      c.driver.dropped = c.driver.workflows[0].errors.dropped;
    }
    return run;
  }
  const slo = { checkout: { p99Ms: 5000, errorRate: 0.01 } };
  const spec = (seed: number, services = SERVICES): RunSpec => ({ seed, noise: CI_NOISE, scenario: { ...SCENARIO, slo }, wirings: { monolith: MONOLITH, 'services/http': services } });

  it('fail the errorRate budget, show percentiles as lower bounds, and never count as an improvement', () => {
    // Faster on what it answered, because it dropped the slowest 5 %: the coordinated omission the suite exists to avoid.
    const candidate = withDrops(syntheticRun(spec(32, { ...SERVICES, factor: 0.5 })), 'services/http', 0.05);
    const g = runGate(pairRuns(gateRun('baseline', syntheticRun(spec(31))), gateRun('candidate', candidate)), SETTINGS);
    const budget = (b: string) => g.budgets.find((x) => x.wiring === 'services/http' && x.budget === b)!;
    expect(budget('errorRate ≤ 0.01').verdict).toBe('missed');
    expect(budget('errorRate ≤ 0.01').value!.value).toBeCloseTo(0.05, 2);
    // 5 s is far above any sample, yet "at least x" cannot show a budget met.
    expect(budget('p99Ms ≤ 5000').verdict).toBe('borderline');
    expect(g.pass).toBe(false);
    const p50 = g.comparisons.find((c) => c.wiring === 'services/http' && c.metric === 'p50')!;
    expect(p50.verdict).toBe('unchanged');
    expect(p50.note).toMatch(/candidate is a lower bound: no improvement can be claimed/);
    const md = gateMarkdown(g);
    expect(md).toMatch(/\| services\/http \| checkout \| p99 \| [\d.]+ ms \| ≥ [\d.]+ ms \|/);
    expect(md).not.toMatch(/\| monolith \| checkout \| p99 \| [^|]*≥/);
    expect(g.warnings.join()).toMatch(/candidate: over 1 % of a trial's sends dropped or timed out in services\/http all, services\/http checkout/);
  });

  it('under 1 % dropped, percentiles stay plain figures (the drops still count as errors)', () => {
    const candidate = withDrops(syntheticRun(spec(34)), 'services/http', 0.005);
    const g = runGate(pairRuns(gateRun('baseline', syntheticRun(spec(33))), gateRun('candidate', candidate)), SETTINGS);
    expect(g.comparisons.every((c) => !c.lowerBound?.candidate)).toBe(true);
    // No figure in any table row is marked (the method text explains the mark, so it may contain it).
    expect(gateMarkdown(g).split('\n').filter((line) => line.startsWith('|') && line.includes('≥'))).toEqual([]);
    const errorRate = g.budgets.find((x) => x.wiring === 'services/http' && x.budget === 'errorRate ≤ 0.01')!.value!.value;
    expect(errorRate).toBeGreaterThan(0);
    expect(errorRate).toBeLessThanOrEqual(0.01);
  });
});

describe('budgets from the scenario', () => {
  const budgeted = (slo: Scenario['slo']): Scenario => ({ ...SCENARIO, slo });
  const run = (seed: number, slo: Scenario['slo'], services = SERVICES): RunSpec =>
    ({ seed, noise: CI_NOISE, scenario: budgeted(slo), wirings: { monolith: MONOLITH, 'services/http': services } });
  const budgetVerdicts = (g: GateResult) => Object.fromEntries(g.budgets.map((b) => [`${b.wiring} ${b.budget}`, b.verdict]));

  it('checks absolute and relative budgets on the candidate', () => {
    const slo = { checkout: { p99Ms: 500, p50Ms: 12, p99TimesMonolith: { 'services/http': 10 }, errorRate: 0.01 } };
    const g = gate(run(13, slo), run(14, slo));
    expect(budgetVerdicts(g)).toEqual({
      'monolith p99Ms ≤ 500': 'met', 'monolith p50Ms ≤ 12': 'met', 'monolith errorRate ≤ 0.01': 'met',
      'services/http p99Ms ≤ 500': 'met', 'services/http p50Ms ≤ 12': 'missed', 'services/http errorRate ≤ 0.01': 'met',
      'services/http p99TimesMonolith ≤ 10': 'met',
    });
    expect(g.pass).toBe(false);
    expect(g.summary).toContain('services/http checkout p50Ms ≤ 12');
  });

  it('fails a relative budget when the split costs more than allowed', () => {
    const slo = { checkout: { p99TimesMonolith: { 'services/http': 3 } } };
    const g = gate(run(15, slo), run(16, slo, { ...SERVICES, factor: 3 }));
    expect(budgetVerdicts(g)).toEqual({ 'services/http p99TimesMonolith ≤ 3': 'missed' });
  });

  it('rejects malformed relative budgets naming the field', () => {
    const parse = (slo: unknown) => () => parseScenario({ ...SCENARIO, slo }, 'x.json');
    expect(parse({ checkout: { p99TimesMonolith: { 'service/grpc': 3 } } })).toThrow(/x\.json: slo\.checkout\.p99TimesMonolith: unknown wiring "service\/grpc"/);
    expect(parse({ checkout: { p99TimesMonolith: { monolith: 2 } } })).toThrow('slo.checkout.p99TimesMonolith.monolith: the monolith is what the others are measured against');
    expect(parse({ checkout: { p99TimesMonolith: { 'services/grpc': '3x' } } })).toThrow('slo.checkout.p99TimesMonolith.services/grpc: expected a number > 0, got "3x"');
    expect(parse({ checkout: { p99TimesMonolith: 3 } })).toThrow(ScenarioError);
    expect(parse({ checkout: { p99Times: 3 } })).toThrow('unknown threshold (known: p50Ms, p99Ms, errorRate, p99TimesMonolith, p50TimesMonolith)');
  });
});

describe('npm run gate (CLI)', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.resolve('dist/scripts/gate.js'), ...args], { encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') } });
  const ok = writeRun(dir, 'cli-base', syntheticRun({ seed: 20, noise: CI_NOISE, wirings: { monolith: MONOLITH } }));

  it('exits 1 on a regression, writes gate.json next to the candidate and appends the job summary', () => {
    const slow = writeRun(dir, 'cli-slow', syntheticRun({ seed: 21, noise: CI_NOISE, wirings: { monolith: { ...MONOLITH, factor: 2 } } }));
    const r = cli('--baseline', ok, '--candidate', path.dirname(slow));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('| monolith | checkout | p50 |');
    const written = JSON.parse(fs.readFileSync(path.join(path.dirname(slow), 'gate.json'), 'utf8')) as GateResult;
    expect(written.pass).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('splitbench gate: ❌');
  });

  it('exits 0 on unchanged code', () => {
    const same = writeRun(dir, 'cli-same', syntheticRun({ seed: 22, noise: CI_NOISE, wirings: { monolith: MONOLITH } }));
    expect(cli('--baseline', ok, '--candidate', same, '--out', path.join(dir, 'out')).status).toBe(0);
    expect(fs.existsSync(path.join(dir, 'out', 'gate.json'))).toBe(true);
  });

  it('exits 2 on unusable input, naming the file and what is wrong', () => {
    const expectUnusable = (args: string[], ...parts: string[]) => {
      const r = cli(...args);
      expect(r.status).toBe(2);
      for (const part of parts) expect(r.stderr).toContain(part);
    };
    const missing = path.join(dir, 'nowhere', 'run.json');
    expectUnusable(['--baseline', missing, '--candidate', ok], missing, 'no such file');
    const other = writeRun(dir, 'cli-other', syntheticRun({ seed: 23, noise: CI_NOISE, wirings: { monolith: MONOLITH }, scenario: { ...SCENARIO, name: 'other', arrival: { model: 'constant', rateRps: 40 } } }));
    expectUnusable(['--baseline', ok, '--candidate', other], 'different workloads', ok, other, '"rateRps":40');
    const v2 = path.join(dir, 'v2.json');
    fs.writeFileSync(v2, JSON.stringify({ ...syntheticRun({ seed: 24, noise: CI_NOISE, wirings: { monolith: MONOLITH } }), schemaVersion: 3 }));
    expectUnusable(['--baseline', ok, '--candidate', v2], v2, 'schemaVersion: expected 2, got 3');
    const once = writeRun(dir, 'cli-once', syntheticRun({ seed: 25, noise: CI_NOISE, trials: 1, wirings: { monolith: MONOLITH } }));
    expectUnusable(['--baseline', once, '--candidate', ok], once, 'monolith has 1 trial(s); the gate needs ≥ 5');
    const garbled = syntheticRun({ seed: 26, noise: CI_NOISE, wirings: { monolith: MONOLITH } });
    garbled.cells[2].driver.workflows[1].histogram = 'not a histogram';
    const bad = writeRun(dir, 'cli-garbled', garbled);
    expectUnusable(['--baseline', ok, '--candidate', bad], bad, 'cells[2].driver.workflows[1].histogram: not a compressed base64 HdrHistogram');
    expectUnusable(['--baseline', ok], '--baseline and --candidate are both required');
    expectUnusable(['--baseline', ok, '--candidate', ok, '--min-effect', '0'], '--min-effect "0"');
  });
});

describe('edges (caller → callee round trips)', () => {
  const WAREHOUSE: EdgeSpec = { from: 'checkout', to: 'warehouse', callsPerTrial: 6000, rtt: { median: 2, spread: 0.3 } };
  const PAYMENT: EdgeSpec = { from: 'checkout', to: 'payment', callsPerTrial: 2000, rtt: { median: 4, spread: 0.3 } };
  const wirings = { monolith: MONOLITH, 'services/http': SERVICES };
  const edges = (warehouse: Distribution) => ({ 'services/http': [{ ...WAREHOUSE, rtt: warehouse }, PAYMENT] });
  const edgeVerdict = (g: GateResult, to: string, metric: string) => g.comparisons.find((c) => c.edge && c.workflow === `checkout → ${to}` && c.metric === metric)?.verdict;

  it('catch a tail-only delay on one edge that the workflow p99 (160 samples per trial) cannot see, and name the edge', () => {
    const seeds = Array.from({ length: 10 }, (_, i) => i);
    const results = seeds.map((s) => gate(
      { seed: 5000 + s, noise: CI_NOISE, wirings, edges: edges(WAREHOUSE.rtt) },
      { seed: 6000 + s, noise: CI_NOISE, wirings, edges: edges({ ...WAREHOUSE.rtt, tailFactor: 1.4 }) },
    ));
    for (const g of results) {
      expect(g.pass).toBe(false);
      expect(edgeVerdict(g, 'warehouse', 'p99')).toBe('regressed');
      expect(edgeVerdict(g, 'warehouse', 'p50')).toBe('unchanged');
      expect(edgeVerdict(g, 'payment', 'p99')).toBe('unchanged');
      expect(g.summary).toMatch(/regression\(s\): services\/http checkout → warehouse: p99 \+\d+ %/);
      const md = gateMarkdown(g);
      expect(md.indexOf('**Edges that moved**')).toBeGreaterThan(-1);
      expect(md.indexOf('**Edges that moved**')).toBeLessThan(md.indexOf('| wiring | workflow |'));
      expect(md).toMatch(/Edges that moved.*services\/http checkout → warehouse: p99 \+\d+ % \(regressed\)/);
    }
  });

  // --inject-delay warehouse=2 on a 2 ms edge: every call twice as slow. (A +30 % edge is not reliably caught
  // with ci-profile noise: trials ±5 % and runs ±3 % move every sample alike, and more calls cannot average that out.)
  it('catch an every-call delay on one edge through its p50 and p99, and nothing on the other edge', () => {
    for (const s of [0, 1, 2]) {
      const g = gate({ seed: 5100 + s, noise: CI_NOISE, wirings, edges: edges(WAREHOUSE.rtt) }, { seed: 6100 + s, noise: CI_NOISE, wirings, edges: edges({ ...WAREHOUSE.rtt, factor: 2 }) });
      expect([edgeVerdict(g, 'warehouse', 'p50'), edgeVerdict(g, 'warehouse', 'p99'), edgeVerdict(g, 'payment', 'p50'), edgeVerdict(g, 'payment', 'p99')]).toEqual(['regressed', 'regressed', 'unchanged', 'unchanged']);
      expect(g.pass).toBe(false);
    }
  });

  it('pass unchanged code: edges share the false-alarm budget, rate ≤ 1 %', () => {
    const seeds = Array.from({ length: 100 }, (_, i) => i);
    const results = seeds.map((s) => gate({ seed: 7000 + s, noise: CI_NOISE, wirings, edges: edges(WAREHOUSE.rtt) }, { seed: 8000 + s, noise: CI_NOISE, wirings, edges: edges(WAREHOUSE.rtt) }));
    const failed = results.filter((g) => !g.pass).length;
    console.log(`unchanged code with 2 gated edges: ${failed} false alarm(s) in ${seeds.length}`);
    expect(failed).toBeLessThanOrEqual(1);
    // 7 workflow checks and 2 edges × (p99, p50) in one Bonferroni family.
    expect(results[0].settings.gatedChecks).toBe(11);
    expect(results[0].method).toContain('one Bonferroni family');
  });

  it('gate an edge of a few hundred calls per trial through its p50 alone, and name it when its callee is slower', () => {
    const sparse = (rtt: Distribution) => ({ 'services/http': [{ ...WAREHOUSE, callsPerTrial: 160, rtt }] });
    const g = gate({ seed: 9100, noise: CI_NOISE, wirings, edges: sparse(WAREHOUSE.rtt) }, { seed: 9200, noise: CI_NOISE, wirings, edges: sparse({ ...WAREHOUSE.rtt, factor: 3 }) });
    expect(g.comparisons.filter((c) => c.edge).map((c) => `${c.workflow} ${c.metric} ${c.verdict}`)).toEqual(['checkout → warehouse p50 regressed']);
    expect(g.pass).toBe(false);
    expect(g.summary).toMatch(/services\/http checkout → warehouse: p50 \+\d+ %/);
  });

  it('leave out edges with too few calls in some trial for a percentile, and edges without a histogram (older runs)', () => {
    const rare = { ...PAYMENT, callsPerTrial: MIN_EDGE_CALLS.p99 - 1 };
    const g = gate({ seed: 1, noise: CI_NOISE, wirings, edges: { 'services/http': [WAREHOUSE, rare] } }, { seed: 2, noise: CI_NOISE, wirings, edges: { 'services/http': [WAREHOUSE, rare] } });
    expect(g.comparisons.filter((c) => c.edge).map((c) => `${c.workflow} ${c.metric}`)).toEqual(['checkout → warehouse p99', 'checkout → warehouse p50', 'checkout → payment p50']);
    const old = syntheticRun({ seed: 3, noise: CI_NOISE, wirings, edges: edges(WAREHOUSE.rtt) });
    for (const c of old.cells) for (const e of c.edges) delete e.rttHistogram;
    const g2 = runGate(pairRuns(gateRun('baseline', old), gateRun('candidate', syntheticRun({ seed: 4, noise: CI_NOISE, wirings, edges: edges(WAREHOUSE.rtt) }))), SETTINGS);
    expect(g2.comparisons.filter((c) => c.edge)).toEqual([]);
  });
});
