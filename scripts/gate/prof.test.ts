// The gate on synthetic runs: run.json files whose histograms come from a known latency distribution
// with known noise, so each test knows the truth the gate should find. Verdicts and rates only, never times.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError, type Scenario } from '../../scenarios/scenario.js';
import { encode, latencyMs, recordUs, usHistogram } from '../bench/histogram.js';
import { SCHEMA_VERSION, type Cell, type RunResult } from '../bench/results.js';
import { gateRun, pairRuns } from './inputs.js';
import { rng, type Rng } from './random.js';
import { runGate, type GateResult } from './verdict.js';

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
  durationS: 8, warmupS: 2, seed: { skus: 10_000, customers: 1000 }, maxInFlight: 256, timeoutMs: 5000, slo: {},
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
}

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
      const p90 = d.median * Math.exp(d.spread * 1.2816);
      const h = usHistogram();
      for (let i = 0; i < spec.noise.samplesPerTrial; i++) {
        const x = d.median * Math.exp(d.spread * normal(r));
        recordUs(h, 1000 * speed * (x > p90 ? x * (d.tailFactor ?? 1) : x));
      }
      cells.push(cell(wiring, trial, scenario, h));
    }
  }
  return {
    schemaVersion: SCHEMA_VERSION, runId: `synthetic-${spec.seed}`, environment: { ...ENVIRONMENT, ...spec.environment },
    config: { profile: 'ci', scenario, wirings: Object.keys(spec.wirings), trials, driver: 'builtin', target: null, db: 'none', injectDelay: '', method: 'synthetic' },
    cells, target: [], micro: [], finishedAt: ENVIRONMENT.startedAt,
  };
}

function cell(wiring: string, trial: number, scenario: Scenario, h: ReturnType<typeof usHistogram>): Cell {
  const latency = latencyMs(h);
  const workflow = (name: string) => ({ workflow: name, latencyMs: latency, serviceTimeMs: latency, histogram: encode(h), ok: latency.count, errors: {} });
  return {
    wiring, scenario: scenario.name, trial, processes: 1, startupMs: 0,
    settings: { poolMax: 10, httpConnections: 8, injectDelay: '', processes: 1 },
    driver: {
      driver: 'builtin', offeredRps: 20, achievedRps: latency.count / scenario.durationS, durationS: scenario.durationS, warmupS: scenario.warmupS,
      sent: latency.count, dropped: 0, late: 0, lateThresholdMs: 10, schedulingLagMs: latency, driverCpuS: 0,
      workflows: [workflow('all'), workflow('checkout')], warnings: [],
    },
    cost: { processes: 1, cpuSPer1kRequests: 1, dbCpuSPer1kRequests: null, rssPeakMbSum: 100 },
    edges: [], invariants: { ok: true, checks: [], orders: 0, events: 0 },
  };
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




describe('prof', () => {
  it('times', () => {
    const wirings = { monolith: MONOLITH, 'services/http': SERVICES };
    let t0 = performance.now();
    for (let s = 0; s < 10; s++) gate({ seed: s, noise: CI_NOISE, wirings }, { seed: 100 + s, noise: CI_NOISE, wirings });
    console.log('gate pair', (performance.now() - t0) / 10);
    for (const me of [0.1]) {
      let fails = 0; const why = [];
      for (let s = 0; s < 400; s++) {
        const g = gate({ seed: 3000 + s, noise: CI_NOISE, wirings }, { seed: 4000 + s, noise: CI_NOISE, wirings }, { ...SETTINGS, minEffect: me });
        if (!g.pass) { fails++; why.push(g.summary); }
      }
      console.log('minEffect', me, 'FP', fails, '/ 400', why.join('\n'));
    }
    const noise = { samplesPerTrial: 4000, trialSpread: 0.03, runSpread: 0.02 };
    for (const me of [0.1]) {
      let caught = 0; const odd = [];
      for (let s = 0; s < 40; s++) {
        const g = gate({ seed: 1000 + s, noise, wirings: { monolith: MONOLITH } }, { seed: 2000 + s, noise, wirings: { monolith: { ...MONOLITH, tailFactor: 1.2 } } }, { ...SETTINGS, minEffect: me });
        if (verdictOf(g, 'monolith', 'p99') === 'regressed') caught++;
        const p50 = g.comparisons.find(c => c.metric === 'p50');
        if (p50?.verdict !== 'unchanged') odd.push(`${s} p50 ${p50?.verdict} ${p50?.ratio?.value}`);
      }
      console.log('minEffect', me, '+20% caught', caught, '/ 40', odd.join('; '));
    }
  }, 600_000);
});
