// A same-job A/B made up for the A/B page's tests (reports/ab-page.test.ts, browser.test.ts): two
// wirings × 5 ABBA pairs, the candidate 30 % slower, one well-called edge (p99 and p50 gated) and one
// sparse edge (its p50 alone), and an edge name with HTML in it. It runs the gate, so it lives beside
// it: reports/ only draws what the gate decided. Synthetic test data, never a measurement.
import type { GateResult } from '../../results/gate.js';
import { encode, recordUs, usHistogram } from '../../results/histogram.js';
import { SCHEMA_VERSION, type Cell, type EdgeResult, type RunResult } from '../../results/run.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { runAbGate } from './ab.js';
import { rng, type Rng } from './random.js';
import { syntheticCell } from './synthetic-cell.js';

const SCENARIO: Scenario = {
  name: 'synthetic', description: 'A/B page tests', mix: { checkout: 1 }, arrival: { model: 'constant', rateRps: 20 },
  durationS: 8, warmupS: 2, seed: { skus: 10_000, customers: 1000 }, maxInFlight: 256, timeoutMs: 5000, slo: { checkout: { p99Ms: 500 } }, faults: [],
};
export const AB_FIXTURE_WIRINGS = ['monolith', 'services/http'];
export const AB_FIXTURE_EDGES = { gated: 'gateway → <warehouse & co>', sparse: 'checkout → payment' };
const PAIRS = 5;

const normal = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** An encoded histogram of `n` log-normal samples around `medianMs`. */
function samples(n: number, medianMs: number, r: Rng) {
  const h = usHistogram();
  for (let i = 0; i < n; i++) recordUs(h, 1000 * medianMs * Math.exp(0.35 * normal(r)));
  return h;
}

function edge(name: string, calls: number, medianMs: number, r: Rng): EdgeResult {
  const [from, to] = name.split(' → ');
  const us = { p50: medianMs * 1000, p99: medianMs * 2000 };
  return {
    from, to, transport: 'http', calls, errors: 0, rttUs: us, handlerUs: us, overheadUs: us,
    requestBytesMean: 100, responseBytesMean: 100, rttHistogram: encode(samples(calls, medianMs, r)),
  };
}

function cell(wiring: string, trial: number, speed: number, r: Rng): Cell {
  const split = wiring !== 'monolith';
  const c = syntheticCell(wiring, trial, SCENARIO, samples(2000, speed * (split ? 12 : 8), r));
  return split ? { ...c, edges: [edge(AB_FIXTURE_EDGES.gated, 3000, speed * 2, r), edge(AB_FIXTURE_EDGES.sparse, 500, speed * 3, r)] } : c;
}

const run = (id: string, cells: Cell[]): RunResult => ({
  schemaVersion: SCHEMA_VERSION, runId: id,
  environment: { hostname: 'test', os: 'Linux', node: 'v20.20.2', cpuModel: 'Test CPU', cores: 2, memoryGb: 8, loadAverage: [1, 2, 3], gitSha: id, gitDirty: false, startedAt: '2026-01-01T00:00:00.000Z' },
  config: { profile: 'ci', scenario: SCENARIO, wirings: AB_FIXTURE_WIRINGS, trials: PAIRS, driver: 'builtin', target: null, db: 'none', injectDelay: '', method: 'synthetic' },
  cells, target: [], micro: [], finishedAt: '2026-01-01T00:00:00.000Z',
});

export const AB_FIXTURE_SHAS = { base: 'b'.repeat(40), candidate: 'c'.repeat(40) };

/** Each pair shares one machine speed; the candidate is `factor` slower on every workflow and edge. */
export function abFixture(factor = 1.3, seed = 1): { gate: GateResult; base: RunResult; candidate: RunResult } {
  const r = rng(seed);
  const speeds = Array.from({ length: PAIRS }, () => Math.exp(0.2 * normal(r)));
  const side = (id: string, f: number) => run(id, speeds.flatMap((s, i) => AB_FIXTURE_WIRINGS.map((w) => cell(w, i + 1, s * f, r))));
  const base = side('base', 1);
  const candidate = side('candidate', factor);
  const gate = runAbGate({
    base, candidate, baseSha: AB_FIXTURE_SHAS.base, candidateSha: AB_FIXTURE_SHAS.candidate, candidateDirty: false, pairs: PAIRS, outDir: 'ab',
  }, { minEffect: 0.1, confidence: 0.99, runDrift: 0.03, statistic: 'student-t' });
  return { gate, base, candidate };
}
