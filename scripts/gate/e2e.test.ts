// End to end: three short bench runs of the monolith under checkout + search — a baseline, the same
// code again, and the same code with an artificial delay in payment (which only checkout calls) — then
// the gate on each pair. The CLIs run from dist/: build first (npm test does).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DOMAIN_NAMES, dbEnvVar } from '../../targets/db/domains.js';
import type { GateResult } from './verdict.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-gate-e2e-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const scenario = path.join(dir, 'gate-e2e.json');
fs.writeFileSync(scenario, JSON.stringify({
  name: 'gate-e2e', description: 'checkout and search, half each: enough samples per trial for a p99 of each',
  mix: { checkout: 1, search: 1 }, arrival: { model: 'constant', rateRps: 80 }, durationS: 3, warmupS: 1,
  seed: { skus: 1000, customers: 100 }, maxInFlight: 64, timeoutMs: 5000, slo: {},
}));

const dbEnv = Object.fromEntries(DOMAIN_NAMES.map((d) => [dbEnvVar(d), inject('dbUrls')[d]]));
const node = (script: string, args: string[]) =>
  spawnSync(process.execPath, [path.resolve('dist/scripts', script), ...args], { encoding: 'utf8', env: { ...process.env, ...dbEnv }, timeout: 300_000 });

function bench(name: string, ...extra: string[]): string {
  const out = path.join(dir, name);
  const r = node('bench.js', ['--profile', 'ci', '--wirings', 'monolith', '--scenario', scenario, '--duration', '3', '--no-micro', '--db', 'env', '--out', out, ...extra]);
  if (r.status !== 0) throw new Error(`bench ${name} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return out;
}

function gate(baseline: string, candidate: string): { status: number | null; result: GateResult; output: string } {
  const r = node('gate.js', ['--baseline', baseline, '--candidate', candidate]);
  return { status: r.status, result: JSON.parse(fs.readFileSync(path.join(candidate, 'gate.json'), 'utf8')), output: r.stdout + r.stderr };
}

describe('gate end to end', () => {
  it('passes unchanged code and flags an injected payment delay in checkout only', () => {
    const baseline = bench('baseline');
    const same = bench('same');
    const delayed = bench('delayed', '--inject-delay', 'payment=100');

    const unchanged = gate(baseline, same);
    expect(unchanged.status, unchanged.output).toBe(0);

    const slowed = gate(baseline, delayed);
    expect(slowed.status, slowed.output).toBe(1);
    const verdicts = (workflow: string) => Object.fromEntries(slowed.result.comparisons.filter((c) => c.workflow === workflow).map((c) => [c.metric, c.verdict]));
    expect(verdicts('checkout')).toMatchObject({ p50: 'regressed', p99: 'regressed' });
    expect(Object.values(verdicts('search'))).not.toContain('regressed');
    expect(slowed.result.summary).not.toContain('search');
    expect(slowed.result.warnings.join()).toContain('injected delay: payment=100');
  }, 600_000);
});
