// End to end: short bench runs of the monolith under checkout + search — a baseline, the same code
// again, and the same code with an artificial delay in payment (which only checkout calls) — then the
// gate on each pair. The three take turns trial by trial, as the bench interleaves wirings, so that a
// burst of load on a shared machine hits all three alike. The CLIs run from dist/: build first (npm test does).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { dbEnvVar } from '../../targets/db/domains.js';
import { SERVICES } from '../../targets/services.js';
import type { GateResult } from '../../results/gate.js';
import type { RunResult } from '../../results/run.js';
import { prepareBaseTree } from './base-tree.js';

const TRIALS = 5;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-gate-e2e-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const scenario = path.join(dir, 'gate-e2e.json');
fs.writeFileSync(scenario, JSON.stringify({
  name: 'gate-e2e', description: 'checkout and search, half each: enough samples per trial for a p99 of each',
  mix: { checkout: 1, search: 1 }, arrival: { model: 'constant', rateRps: 80 }, durationS: 3, warmupS: 1,
  seed: { skus: 1000, customers: 100 }, maxInFlight: 64, timeoutMs: 5000, slo: {},
}));

const dbEnv = Object.fromEntries(SERVICES.domains.map((d) => [dbEnvVar(d), inject('dbUrls')[d]]));
const node = (script: string, args: string[]) =>
  spawnSync(process.execPath, [path.resolve('dist/scripts', script), ...args], { encoding: 'utf8', env: { ...process.env, ...dbEnv }, timeout: 300_000 });

function benchTrial(out: string, extra: string[]): RunResult {
  const r = node('bench.js', ['--profile', 'ci', '--wirings', 'monolith', '--trials', '1', '--scenario', scenario, '--duration', '3', '--no-micro', '--db', 'env', '--out', out, ...extra]);
  if (r.status !== 0) throw new Error(`bench ${out} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  const run: RunResult = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
  // With --out the report goes there too, never into the repository's reports/.
  expect(fs.existsSync(path.join(out, 'report', run.runId, 'index.html'))).toBe(true);
  expect(fs.existsSync(path.resolve('reports', run.runId))).toBe(false);
  // A scenario given as a file keeps its own warm-up; --duration still wins over its duration.
  expect(run.config.scenario).toMatchObject({ durationS: 3, warmupS: 1 });
  expect(r.stderr).toMatch(/gate-e2e: measured 3 s \(--duration\), warm-up 1 s \(the scenario's own\) — gate-e2e was given as a file/);
  return run;
}

/** Each variant's one-trial runs, round by round, joined into one run of TRIALS trials per variant. */
function interleavedRuns(variants: Record<string, string[]>): Record<string, string> {
  const trials = Object.fromEntries(Object.keys(variants).map((name) => [name, [] as RunResult[]]));
  for (let t = 1; t <= TRIALS; t++) {
    for (const [name, extra] of Object.entries(variants)) trials[name].push(benchTrial(path.join(dir, `${name}-${t}`), extra));
  }
  return Object.fromEntries(Object.entries(trials).map(([name, runs]) => {
    const joined: RunResult = { ...runs[0], config: { ...runs[0].config, trials: TRIALS }, cells: runs.flatMap((run, i) => run.cells.map((c) => ({ ...c, trial: i + 1 }))) };
    const out = path.join(dir, name);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'run.json'), JSON.stringify(joined));
    return [name, out];
  }));
}

function gate(baseline: string, candidate: string): { status: number | null; result: GateResult; output: string } {
  const r = node('gate.js', ['--baseline', baseline, '--candidate', candidate]);
  return { status: r.status, result: JSON.parse(fs.readFileSync(path.join(candidate, 'gate.json'), 'utf8')), output: r.stdout + r.stderr };
}

describe('gate end to end', () => {
  it('passes unchanged code and flags an injected payment delay in checkout only', () => {
    const { baseline, same, delayed } = interleavedRuns({ baseline: [], same: [], delayed: ['--inject-delay', 'payment=200'] });

    const unchanged = gate(baseline, same);
    expect(unchanged.status, unchanged.output).toBe(0);

    const slowed = gate(baseline, delayed);
    expect(slowed.status, slowed.output).toBe(1);
    const verdicts = (workflow: string) => Object.fromEntries(slowed.result.comparisons.filter((c) => c.workflow === workflow).map((c) => [c.metric, c.verdict]));
    expect(verdicts('checkout'), slowed.output).toMatchObject({ p50: 'regressed' });
    // A p99 of ~110 samples per trial is near each trial's maximum: on a noisy machine its interval is wide, so only its direction is asserted.
    expect(slowed.result.comparisons.find((c) => c.workflow === 'checkout' && c.metric === 'p99')!.ratio!.value).toBeGreaterThan(1);
    // Search shares the monolith's process with the delayed checkouts: its tail may feel them (more in flight), its median must not.
    expect(verdicts('search').p50, slowed.output).not.toBe('regressed');
    expect(slowed.result.summary).not.toContain('search p50');
    expect(slowed.result.warnings.join()).toContain('injected delay: payment=200');
  }, 600_000);
});

describe('same-job A/B gate end to end', () => {
  it('builds HEAD in a cached worktree, runs ABBA pairs, and flags a delay injected into the candidate only', () => {
    const out = path.join(dir, 'ab');
    const r = node('gate.js', ['--base', 'HEAD', '--wirings', 'monolith', '--pairs', '5', '--scenario', scenario, '--duration', '3', '--db', 'env', '--candidate-inject-delay', 'payment=200', '--max-pairs', '6', '--out', out]);
    const output = r.stdout + r.stderr;
    expect(r.status, output).toBe(1);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const result: GateResult = JSON.parse(fs.readFileSync(path.join(out, 'gate.json'), 'utf8'));
    // Sequential up to 6 pairs, but a regression shown at the first look ends it there.
    expect(result.ab).toMatchObject({ baseSha: head, candidateSha: head, pairs: 5, order: 'ABBA', maxPairs: 6, stopped: '5 pairs: decided' });
    expect(output).toContain(`Same-job A/B: base \`${head.slice(0, 8)}\``);
    const verdicts = (workflow: string) => Object.fromEntries(result.comparisons.filter((c) => c.workflow === workflow).map((c) => [c.metric, c.verdict]));
    expect(verdicts('checkout'), output).toMatchObject({ p50: 'regressed' });
    // A p99 of ~110 samples per trial is near each trial's maximum: on a noisy machine its interval is wide, so only its direction is asserted.
    expect(result.comparisons.find((c) => c.workflow === 'checkout' && c.metric === 'p99')!.ratio!.value).toBeGreaterThan(1);
    expect(verdicts('search').p50, output).not.toBe('regressed');

    // The delay went to the candidate's trials only; both sides ran the candidate's scenario, trial i being pair i.
    const run = (side: string): RunResult => JSON.parse(fs.readFileSync(path.join(out, side, 'run.json'), 'utf8'));
    expect(run('base').config.injectDelay).toBe('');
    expect(run('candidate').config.injectDelay).toBe('payment=200');
    for (const side of ['base', 'candidate']) {
      expect(run(side).config.scenario.name).toBe('gate-e2e');
      expect(run(side).cells.map((c) => c.trial)).toEqual([1, 2, 3, 4, 5]);
    }
    // The base's dist came from its own worktree: the second time it is reused, not rebuilt.
    expect(fs.existsSync(path.join('.splitbench/base', head, 'dist/scripts/bench.js'))).toBe(true);
    expect(prepareBaseTree(process.cwd(), 'HEAD', () => {}).reused.worktree).toBe(true);
  }, 600_000);
});
