import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeWith } from '../scripts/describe-with.js';
import { importK6Summary, k6Missing, runK6, type K6Summary } from '../scripts/bench/k6.js';
import {
  K6_DROPPED_MEASURE, droppedBound, k6ErrorCounter, k6MeasureMetric, mixTable, pickWorkflow, renderK6Script, sentWorkflows,
  k6Renders,
} from './k6.js';
import { browseRequest, checkoutRequest, customerOfCheckout, historyRequest, returnRequest, searchRequest, type FrontDoorRequest, type Workflow } from './requests.js';
import { SCENARIO_DIR, loadScenario, parseScenario, scenarioNames, type Scenario } from './scenario.js';

const TARGET = 'http://127.0.0.1:9';
const RUN_TAG = 'run-t1';
const scenarioFiles = scenarioNames().filter((n) => k6Renders(loadScenario(n))).map((n) => `${n}.json`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-k6-test-'));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const k of ['FAKE_K6_EXIT', 'FAKE_K6_SUMMARY', 'FAKE_K6_ARGS']) delete process.env[k];
});

// ---- a stand-in for k6's JS API, so the rendered script runs under Node ----
interface Sent { method: string; url: string; body: string | null; params: any; }
interface Fake {
  scenario: { name: string; iterationInTest: number };
  vu: { idInTest: number };
  sent: Sent[];
  counters: Record<string, number>;
  checks: { ok: boolean; tags: any }[];
  respond: (req: Sent) => { status: number; body?: string; error_code?: number };
}
const fake: Fake = (globalThis as any).__k6fake = {
  scenario: { name: 'measure', iterationInTest: 0 }, vu: { idInTest: 1 }, sent: [], counters: {}, checks: [], respond: () => ({ status: 200 }),
};
(globalThis as any).__ENV = {};
const STUBS: Record<string, string> = {
  'k6/http': `export default {
    request(method, url, body, params) { const r = { method, url, body, params }; globalThis.__k6fake.sent.push(r); return globalThis.__k6fake.respond(r); },
    expectedStatuses(...statuses) { return { expectedStatuses: statuses }; },
  };`,
  'k6/execution': 'export default { get scenario() { return globalThis.__k6fake.scenario; }, get vu() { return globalThis.__k6fake.vu; } };',
  k6: `export function check(res, checks, tags) {
    let all = true;
    for (const k of Object.keys(checks)) { const ok = checks[k](res); globalThis.__k6fake.checks.push({ ok, tags }); all = all && ok; }
    return all;
  }`,
  'k6/metrics': `export class Counter {
    constructor(name) { this.name = name; globalThis.__k6fake.counters[name] ??= 0; }
    add(v) { globalThis.__k6fake.counters[this.name] += v; }
  }`,
};
for (const [name, code] of Object.entries(STUBS)) fs.writeFileSync(path.join(tmp, `stub-${name.replace('/', '-')}.mjs`), code);

let loads = 0;
/** Loads the rendered script as a fresh module instance: one per k6 VU (VUs share no memory). */
async function loadScript(script: string): Promise<any> {
  let src = script;
  for (const name of Object.keys(STUBS)) src = src.replace(`from '${name}';`, `from './stub-${name.replace('/', '-')}.mjs';`);
  const file = path.join(tmp, `script-${loads++}.mjs`);
  fs.writeFileSync(file, src);
  return import(pathToFileURL(file).href);
}

function scenarioOf(overrides: Partial<Scenario> & { arrival: Scenario['arrival'] }): Scenario {
  return parseScenario({
    name: 'tiny', description: 'test', mix: { checkout: 3, browse: 4, search: 2, history: 1, return: 0.5 }, durationS: 3, warmupS: 1,
    seed: { skus: 10_000, customers: 1000 }, maxInFlight: 32, timeoutMs: 2000, slo: { all: { p99Ms: 1000, errorRate: 0.5 } }, ...overrides,
  }, 'test');
}

describe('renderK6Script: one script per scenario file', () => {
  for (const file of scenarioFiles) {
    it(`${file}: executors, rates, stages, thresholds, summary`, async () => {
      const scenario = loadScenario(path.join(SCENARIO_DIR, file));
      const script = renderK6Script(scenario, { targetUrl: TARGET, runTag: RUN_TAG });
      expect(script).toContain('export function handleSummary(data)');
      expect(script).toContain("__ENV.SPLITBENCH_SUMMARY");
      expect(script).toContain("summaryTrendStats");
      const { options } = await loadScript(script);
      const { warmup, measure } = options.scenarios;
      const a = scenario.arrival;
      if (a.model === 'constant') {
        expect(measure).toMatchObject({ executor: 'constant-arrival-rate', rate: a.rateRps, timeUnit: '1s', duration: `${scenario.durationS}s` });
      } else if (a.model === 'ramp') {
        expect(measure).toMatchObject({
          executor: 'ramping-arrival-rate', startRate: a.startRps, timeUnit: '1s',
          stages: a.stages.map((s) => ({ target: s.targetRps, duration: `${s.durationS}s` })),
        });
      } else {
        expect(measure).toMatchObject({ executor: 'constant-vus', vus: a.concurrency });
      }
      if (a.model !== 'closed') {
        expect(measure.maxVUs).toBe(scenario.maxInFlight);
        expect(measure.preAllocatedVUs).toBeGreaterThan(0);
        expect(measure.preAllocatedVUs).toBeLessThanOrEqual(scenario.maxInFlight);
      }
      // The warm-up precedes the measured part and is told apart by its tag.
      if (scenario.warmupS > 0) {
        expect(warmup).toMatchObject({ duration: `${scenario.warmupS}s`, startTime: '0s', tags: { phase: 'warmup' } });
        expect(warmup.executor).toBe(a.model === 'closed' ? 'constant-vus' : 'constant-arrival-rate');
      }
      expect(measure).toMatchObject({ startTime: `${scenario.warmupS}s`, tags: { phase: 'measure' } });

      expect(options.summaryTrendStats).toEqual(expect.arrayContaining(['avg', 'min', 'med', 'max', 'p(90)', 'p(99)', 'p(99.9)', 'p(99.99)']));
      const th: Record<string, string[]> = options.thresholds;
      expect(th.dropped_iterations).toEqual([`count<=${droppedBound(scenario)}`]);
      expect(droppedBound(scenario)).toBeGreaterThanOrEqual(1);
      expect(th[K6_DROPPED_MEASURE]).toBeDefined();
      for (const [w, slo] of Object.entries(scenario.slo) as [Workflow | 'all', NonNullable<Scenario['slo']['all']>][]) {
        if (slo.p99Ms !== undefined) expect(th[k6MeasureMetric('http_req_duration', w)]).toContain(`p(99)<${slo.p99Ms}`);
        if (slo.errorRate !== undefined) expect(th[k6MeasureMetric('http_req_failed', w)]).toContain(`rate<${slo.errorRate}`);
      }
      // Every SLO threshold is on the measured phase only.
      for (const key of Object.keys(th)) {
        if (key.startsWith('http_req')) expect(key).toMatch(/\{phase:measure(,workflow:\w+)?\}$/);
      }
      // A sub-metric per workflow sent, so that the summary carries them.
      for (const w of sentWorkflows(scenario.mix)) expect(th[k6MeasureMetric('http_req_duration', w)]).toBeDefined();
    });
  }

  it('fractional rates use a longer timeUnit, so k6 gets whole numbers', async () => {
    const s = scenarioOf({ arrival: { model: 'ramp', startRps: 0.5, stages: [{ durationS: 2, targetRps: 2.25 }] } });
    const { options } = await loadScript(renderK6Script(s, { targetUrl: TARGET, runTag: RUN_TAG }));
    expect(options.scenarios.measure).toMatchObject({ startRate: 50, timeUnit: '100s', stages: [{ target: 225, duration: '2s' }] });
    expect(options.scenarios.warmup).toMatchObject({ rate: 50, timeUnit: '100s' });
  });

  it('the closed model runs constant-vus, warm-up included', async () => {
    const s = scenarioOf({ arrival: { model: 'closed', concurrency: 4 } });
    const { options } = await loadScript(renderK6Script(s, { targetUrl: TARGET, runTag: RUN_TAG }));
    expect(options.scenarios.warmup).toMatchObject({ executor: 'constant-vus', vus: 4, duration: '1s', startTime: '0s' });
    expect(options.scenarios.measure).toMatchObject({ executor: 'constant-vus', vus: 4, duration: '3s', startTime: '1s' });
    expect(options.thresholds.dropped_iterations).toEqual(['count<=0']);
  });
});

describe('the rendered scripts type-check against @types/k6', () => {
  it('every shipped scenario: tsc --noEmit (allowJs, checkJs, types k6) reports nothing', () => {
    const dir = path.join(tmp, 'typecheck');
    fs.mkdirSync(dir, { recursive: true });
    for (const file of scenarioFiles) {
      fs.writeFileSync(path.join(dir, file.replace(/\.json$/, '.js')), renderK6Script(loadScenario(file.replace(/\.json$/, '')), { targetUrl: TARGET, runTag: RUN_TAG }));
    }
    const root = path.resolve('node_modules');
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        allowJs: true, checkJs: true, noEmit: true, strict: false, target: 'es2020', module: 'esnext', moduleResolution: 'node',
        // k6 has no Node or DOM: only its own API may be in scope.
        lib: ['es2020'], types: ['k6'], typeRoots: [path.join(root, '@types')],
      },
      include: ['*.js', '*.d.ts'],
    }));
    // k6 has a console (its JavaScript API documents console.log), which @types/k6 2.3.0 does not declare.
    fs.writeFileSync(path.join(dir, 'k6-console.d.ts'), 'declare var console: { log(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void };\n');
    const r = spawnSync(process.execPath, [path.join(root, 'typescript', 'bin', 'tsc'), '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr, 'tsc on the rendered k6 scripts').toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});

describe('the rendered script under a k6 stand-in', () => {
  it('sends exactly the requests of scenarios/requests.ts, tagged, with unique idempotency keys', async () => {
    const scenario = scenarioOf({ arrival: { model: 'constant', rateRps: 20 } });
    const script = renderK6Script(scenario, { targetUrl: TARGET, runTag: RUN_TAG });
    const VUS = 3;
    const modules = await Promise.all(Array.from({ length: VUS }, () => loadScript(script)));
    const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
    fake.sent = []; fake.checks = []; fake.counters = Object.fromEntries(Object.keys(fake.counters).map((k) => [k, 0]));
    // Answers: checkouts 201 with an orderId (every 20th a decline, 402), one browse in 50 a 409, one search in 40 times out.
    fake.respond = (r) => {
      const w = r.params.tags.workflow as Workflow;
      const n = fake.scenario.iterationInTest;
      if (w === 'checkout') return n % 20 === 19 ? { status: 402, body: '{"error":{}}' } : { status: 201, body: JSON.stringify({ orderId: `ord-${fake.scenario.name}-${n}` }) };
      if (w === 'browse' && n % 50 === 7) return { status: 409 };
      if (w === 'search' && n % 40 === 3) return { status: 0, error_code: 1050 };
      return { status: 200 };
    };

    const table = mixTable(scenario.mix);
    const expected: { req: FrontDoorRequest; phase: string }[] = [];
    const openOrders: Record<number, { orderId: string; customer: number }[]> = {};
    let replaced = 0;
    for (const phase of ['warmup', 'measure']) {
      for (let n = 0; n < 400; n++) {
        const vu = 1 + ((n * 7) % VUS);
        fake.scenario = { name: phase, iterationInTest: n };
        fake.vu = { idInTest: vu };
        modules[vu - 1].default();
        // What requests.ts says this iteration sends.
        const tag = `${RUN_TAG}-${phase}-vu${vu}`;
        const w = pickWorkflow(table, n);
        const orders = (openOrders[vu] ??= []);
        if (w === 'checkout') {
          expected.push({ req: checkoutRequest(n, scenario.seed, tag), phase });
          if (n % 20 !== 19) orders.push({ orderId: `ord-${phase}-${n}`, customer: customerOfCheckout(n, scenario.seed) });
        } else if (w === 'browse') expected.push({ req: browseRequest(n, scenario.seed), phase });
        else if (w === 'search') expected.push({ req: searchRequest(n), phase });
        else if (w === 'history') expected.push({ req: historyRequest(n, scenario.seed), phase });
        else {
          const order = orders.shift();
          if (order) expected.push({ req: returnRequest(order.orderId, order.customer, tag), phase });
          else { expected.push({ req: historyRequest(n, scenario.seed), phase }); if (phase === 'measure') replaced++; }
        }
      }
    }
    logSpy.mockRestore();

    expect(fake.sent).toHaveLength(expected.length);
    fake.sent.forEach((s, i) => {
      const { req, phase } = expected[i];
      expect({ method: s.method, url: s.url, body: s.body, headers: s.params.headers })
        .toEqual({ method: req.method, url: TARGET + req.path, body: req.body ?? null, headers: req.headers });
      expect(s.params.tags).toMatchObject({ workflow: req.workflow, phase });
      expect(s.params.timeout).toBe(`${scenario.timeoutMs}ms`);
      if (req.workflow === 'checkout') {
        // 402 (a declined card) is an expected answer for checkout only.
        expect(s.params.responseCallback).toEqual({ expectedStatuses: [{ min: 200, max: 399 }, 402] });
        expect(s.params.responseType).toBe('text');
      } else expect(s.params.responseCallback).toBeUndefined();
    });
    const sentWorkflowsSeen = new Set(fake.sent.map((s) => s.params.tags.workflow));
    expect([...sentWorkflowsSeen].sort()).toEqual(['browse', 'checkout', 'history', 'return', 'search']);

    const keys = fake.sent.map((s) => s.params.headers['idempotency-key']).filter(Boolean);
    expect(keys.length).toBeGreaterThan(100);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(k).toMatch(new RegExp(`^${RUN_TAG}-(warmup|measure)-vu\\d+-`));

    // Errors are counted by kind, in the measured phase only; 402 on checkout is not an error.
    const measured = fake.sent.filter((s) => s.params.tags.phase === 'measure');
    const count = (w: string, f: (s: Sent, n: number) => boolean) => measured.filter((s, i) => s.params.tags.workflow === w && f(s, i)).length;
    expect(fake.counters[k6ErrorCounter('browse', 's409')]).toBeGreaterThan(0);
    expect(fake.counters[k6ErrorCounter('search', 'timeout')]).toBeGreaterThan(0);
    expect(fake.counters[k6ErrorCounter('checkout', 's402')]).toBe(0);
    expect(fake.counters.splitbench_return_replaced).toBe(replaced);
    expect(count('checkout', () => true)).toBeGreaterThan(0);
    expect(fake.checks.filter((c) => !c.ok && c.tags.phase === 'measure').length)
      .toBe(fake.counters[k6ErrorCounter('browse', 's409')] + fake.counters[k6ErrorCounter('search', 'timeout')]);
  });

  it('the mix: same choice as pickWorkflow, in proportion to the weights over any window', async () => {
    const scenario = scenarioOf({ arrival: { model: 'constant', rateRps: 20 }, mix: { checkout: 2, browse: 5, search: 2, history: 1, return: 0.2 } });
    const table = mixTable(scenario.mix);
    const total = table.reduce((t, [, w]) => t + w, 0);
    const mod = await loadScript(renderK6Script(scenario, { targetUrl: TARGET, runTag: RUN_TAG }));
    for (const [start, len] of [[0, 1000], [12_345, 2000], [100_000, 5000]]) {
      const seen: Record<string, number> = {};
      for (let n = start; n < start + len; n++) { const w = pickWorkflow(table, n); seen[w] = (seen[w] ?? 0) + 1; }
      for (const [w, weight] of table) expect(Math.abs(seen[w] / len - weight / total)).toBeLessThan(0.01);
    }
    // The script's own pickWorkflow is not exported; its choices show in the workflow tag of what it sends.
    const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
    fake.sent = [];
    fake.respond = () => ({ status: 500 });
    for (let n = 0; n < 500; n++) { fake.scenario = { name: 'measure', iterationInTest: n }; fake.vu = { idInTest: 1 }; mod.default(); }
    logSpy.mockRestore();
    // No order is ever placed (500s), so returns go out as history.
    expect(fake.sent.map((s) => s.params.tags.workflow))
      .toEqual(Array.from({ length: 500 }, (_, n) => { const w = pickWorkflow(table, n); return w === 'return' ? 'history' : w; }));
  });

  it('handleSummary writes the summary JSON where SPLITBENCH_SUMMARY says and a short text to stdout', async () => {
    const scenario = loadScenario('smoke');
    const mod = await loadScript(renderK6Script(scenario, { targetUrl: TARGET, runTag: RUN_TAG }));
    (globalThis as any).__ENV = { SPLITBENCH_SUMMARY: '/somewhere/summary.json' };
    const data = syntheticSummary(scenario);
    const out = mod.handleSummary(data);
    (globalThis as any).__ENV = {};
    expect(Object.keys(out).sort()).toEqual(['/somewhere/summary.json', 'stdout']);
    const written = JSON.parse(out['/somewhere/summary.json']);
    expect(written.splitbench).toMatchObject({ scenario: 'smoke', runTag: RUN_TAG });
    expect(written.metrics).toEqual(data.metrics);
    expect(out.stdout).toMatch(/splitbench k6 smoke/);
    expect(out.stdout).toMatch(/p99 /);
    expect(out.stdout).toMatch(/thresholds FAILED: http_req_failed\{phase:measure\} rate<0.01/);
  });
});

/** A summary shaped as k6's handleSummary data, for the smoke scenario's script. */
function syntheticSummary(scenario: Scenario): K6Summary {
  const trend = (count: number, p99: number) => ({ type: 'trend', contains: 'time', values: { avg: p99 / 4, min: 0.2, med: p99 / 5, max: p99 * 2, 'p(90)': p99 / 2, 'p(99)': p99, 'p(99.9)': p99 * 1.5, 'p(99.99)': p99 * 1.9, count } });
  const rate = (passes: number, fails: number, thresholds?: Record<string, { ok: boolean }>) => ({ type: 'rate', contains: 'default', values: { rate: passes / (passes + fails), passes, fails }, ...(thresholds ? { thresholds } : {}) });
  const counter = (count: number, thresholds?: Record<string, { ok: boolean }>) => ({ type: 'counter', contains: 'default', values: { count, rate: count / 13 }, ...(thresholds ? { thresholds } : {}) });
  const metrics: K6Summary['metrics'] = {
    http_req_duration: trend(600, 9),
    http_reqs: counter(600),
    [k6MeasureMetric('http_reqs')]: { ...counter(500), thresholds: { 'count>=0': { ok: true } } },
    [k6MeasureMetric('http_req_duration')]: { ...trend(500, 8), thresholds: { 'max>=0': { ok: true } } },
    [k6MeasureMetric('http_req_failed')]: rate(10, 490, { 'rate>=0': { ok: true }, 'rate<0.01': { ok: false } }),
    [k6MeasureMetric('checks')]: rate(490, 10, { 'rate>=0': { ok: true } }),
    [K6_DROPPED_MEASURE]: counter(2, { 'count>=0': { ok: true } }),
    dropped_iterations: counter(3, { [`count<=${droppedBound(scenario)}`]: { ok: true } }),
    [k6ErrorCounter('checkout', 's409')]: counter(4),
    [k6ErrorCounter('browse', 'timeout')]: counter(5),
    splitbench_return_replaced: counter(1),
  };
  const per: Record<string, [number, number, number]> = { checkout: [150, 4, 20], browse: [200, 6, 5], search: [100, 0, 3], history: [40, 0, 4], return: [10, 0, 12] };
  for (const [w, [n, failed, p99]] of Object.entries(per)) {
    metrics[k6MeasureMetric('http_req_duration', w as Workflow)] = { ...trend(n, p99), thresholds: { 'max>=0': { ok: true } } };
    metrics[k6MeasureMetric('http_req_failed', w as Workflow)] = rate(failed, n - failed, { 'rate>=0': { ok: true } });
  }
  return { state: { testRunDurationMs: 13_000 }, metrics };
}

describe('importK6Summary', () => {
  it('maps k6 summary metrics onto the common results format', () => {
    const scenario = loadScenario('smoke');
    const r = importK6Summary(syntheticSummary(scenario), scenario, { exitCode: 99, driverCpuS: 1.5 });
    expect(r.driver).toBe('k6');
    expect(r.offeredRps).toBe(50);
    expect(r.sent).toBe(500);
    expect(r.achievedRps).toBeCloseTo(500 / scenario.durationS);
    expect(r.dropped).toBe(2);
    expect(r.driverCpuS).toBe(1.5);
    const all = r.workflows.find((w) => w.workflow === 'all')!;
    expect(all.latencyMs).toMatchObject({ p50: 8 / 5, p90: 4, p99: 8, p999: 12, p9999: 8 * 1.9, max: 16, mean: 2, count: 500 });
    expect(all.serviceTimeMs).toEqual(all.latencyMs);
    expect(all.histogram).toBe('');
    expect(all.ok).toBe(490);
    // The 2 dropped iterations are failed sends, as in the builtin driver; with the 5 timeouts they are
    // 7 of 502 sends (> 1 %), so the percentiles are lower bounds.
    expect(all.errors).toEqual({ 'status 409': 4, timeout: 5, unclassified: 1, dropped: 2 });
    expect(all.droppedOrTimedOutShare).toBeCloseTo(7 / 502, 5);
    expect(all.lowerBound).toBe(true);
    const perWorkflowDropped = r.workflows.slice(1).reduce((t, w) => t + (w.errors.dropped ?? 0), 0);
    expect(perWorkflowDropped).toBe(2);
    const browse = r.workflows.find((w) => w.workflow === 'browse')!;
    expect(browse).toMatchObject({ ok: 194, errors: { timeout: 5, unclassified: 1 } });
    expect(browse.lowerBound).toBe(true);
    expect(r.workflows.find((w) => w.workflow === 'search')!.lowerBound).toBe(false);
    expect(browse.latencyMs.p99).toBe(5);
    expect(r.workflows.map((w) => w.workflow)).toEqual(['all', 'checkout', 'browse', 'search', 'history', 'return']);
    // Verdicts: the scenario's thresholds, not the always-true ones that make k6 report sub-metrics.
    expect(r.thresholds).toEqual([
      { name: `dropped_iterations: count<=${droppedBound(scenario)}`, ok: true },
      { name: 'http_req_failed{phase:measure}: rate<0.01', ok: false },
    ]);
    const warnings = r.warnings.join('\n');
    expect(warnings).toMatch(/actual send/);
    expect(warnings).toMatch(/NOT coordinated-omission corrected/);
    expect(warnings).toMatch(/HdrHistogram/);
    expect(warnings).toMatch(/dropped 2 iteration/);
    expect(warnings).toMatch(/split across workflows by their mix weight/);
    expect(warnings).toMatch(/lower bound/);
    expect(warnings).toMatch(/1 iteration\(s\) during the warm-up/);
    expect(warnings).toMatch(/1 return\(s\) went out as history/);
    expect(warnings).toMatch(/thresholds failed: http_req_failed/);
  });
});

// ---- runK6 with a stand-in k6 binary: arguments, progress, exit codes ----
describe('runK6 (stand-in k6 binary)', () => {
  const fakeK6 = path.join(tmp, 'fake-k6');
  beforeAll(() => {
    fs.writeFileSync(fakeK6, `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.writeFileSync(process.env.FAKE_K6_ARGS, JSON.stringify({ args, env: process.env.SPLITBENCH_SUMMARY }));
const script = fs.readFileSync(args[args.length - 1], 'utf8');
if (!script.includes('export function handleSummary')) process.exit(107);
const e = args.indexOf('-e');
const summaryPath = args[e + 1].replace(/^SPLITBENCH_SUMMARY=/, '');
process.stderr.write('time="x" level=info msg="splitbench-phase warmup" source=console\\n');
setTimeout(() => {
  process.stderr.write('time="x" level=info msg="splitbench-phase measure" source=console\\n');
  if (process.env.FAKE_K6_EXIT === '107') { process.stderr.write('ReferenceError: boom\\n'); process.exit(107); }
  process.stdout.write('splitbench k6 smoke: short text\\n');
  fs.writeFileSync(summaryPath, fs.readFileSync(process.env.FAKE_K6_SUMMARY, 'utf8'));
  setTimeout(() => process.exit(Number(process.env.FAKE_K6_EXIT)), 1100);
}, 300);
`, { mode: 0o755 });
  });

  it('exit 99 (thresholds failed) is a result with failed thresholds, not a crash', async () => {
    const scenario = loadScenario('smoke');
    const summaryFile = path.join(tmp, 'canned-summary.json');
    fs.writeFileSync(summaryFile, JSON.stringify(syntheticSummary(scenario)));
    Object.assign(process.env, { FAKE_K6_EXIT: '99', FAKE_K6_SUMMARY: summaryFile, FAKE_K6_ARGS: path.join(tmp, 'args.json') });
    const phases = new Set<string>();
    const outDir = path.join(tmp, 'out99');
    const r = await runK6(scenario, { targetUrl: TARGET, runTag: RUN_TAG, outDir, k6: fakeK6, onProgress: (p) => phases.add(p.phase) });
    expect(r.thresholds?.some((t) => !t.ok)).toBe(true);
    expect(r.sent).toBe(500);
    expect(phases.has('measure')).toBe(true);
    const { args, env } = JSON.parse(fs.readFileSync(path.join(tmp, 'args.json'), 'utf8'));
    expect(args.slice(0, 3)).toEqual(['run', '--quiet', '--no-usage-report']);
    expect(args).toContain(`SPLITBENCH_SUMMARY=${env}`);
    expect(path.isAbsolute(env)).toBe(true);
    expect(fs.existsSync(path.join(outDir, 'k6-smoke.js'))).toBe(true);
    expect(fs.readFileSync(path.join(outDir, 'k6-smoke.log'), 'utf8')).toContain('splitbench-phase measure');
  });

  it('any other exit code is an error that shows the end of k6\'s log', async () => {
    process.env.FAKE_K6_EXIT = '107';
    await expect(runK6(loadScenario('smoke'), { targetUrl: TARGET, runTag: RUN_TAG, outDir: path.join(tmp, 'out107'), k6: fakeK6 }))
      .rejects.toThrow(/k6 exited 107 \(script exception\)[\s\S]*ReferenceError: boom/);
  });

  it('k6Missing says where it looked and how to get k6', () => {
    expect(k6Missing()).toMatch(/PATH/);
    expect(k6Missing()).toMatch(/SPLITBENCH_K6/);
  });
});

// ---- the real thing, where k6 is installed ----
describeWith('k6', 'k6 end-to-end', () => {
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const reply = (status: number, json: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(json)); };
        const p = (req.url ?? '').split('?')[0];
        if (req.method === 'POST' && p === '/api/checkout') return reply(201, { orderId: `ord-${Math.random().toString(36).slice(2)}`, status: 'PAID', totalCents: 1234 });
        if (req.method === 'POST' && p === '/api/returns') return reply(201, { returnId: 'ret-1', orderId: JSON.parse(body || '{}').orderId, status: 'REFUNDED' });
        if (req.method === 'GET' && p.startsWith('/api/products/')) return reply(200, { sku: p.slice('/api/products/'.length), name: 'Pro Lamp', priceCents: 999, available: 12, reviews: { count: 3, rating: 4 } });
        if (req.method === 'GET' && p === '/api/search') return reply(200, { results: [{ sku: 'SKU-000001', name: 'Pro Lamp' }] });
        if (req.method === 'GET' && p === '/api/orders') return reply(200, { orders: [] });
        reply(404, { error: { code: 'NOT_FOUND', reason: 'NOT_FOUND', message: 'no route' } });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('runs a tiny constant-rate scenario and imports its summary', async () => {
    const scenario = scenarioOf({ arrival: { model: 'constant', rateRps: 20 } });
    const r = await runK6(scenario, { targetUrl: url, runTag: `e2e-${Date.now()}`, outDir: path.join(tmp, 'e2e') });
    expect(r.driver).toBe('k6');
    expect(r.achievedRps / 20).toBeGreaterThan(0.8);
    expect(r.achievedRps / 20).toBeLessThan(1.2);
    const all = r.workflows.find((w) => w.workflow === 'all')!;
    expect(all.latencyMs.count).toBe(r.sent);
    expect(all.latencyMs.p99).toBeGreaterThan(0);
    expect(Number.isFinite(all.latencyMs.p99)).toBe(true);
    expect(all.latencyMs.p99).toBeGreaterThanOrEqual(all.latencyMs.p50);
    expect(r.thresholds?.length).toBeGreaterThan(0);
    expect(r.thresholds?.every((t) => t.ok)).toBe(true);
    expect(r.dropped).toBe(0);
    expect(all.errors).toEqual({});
    expect(r.workflows.filter((w) => w.workflow !== 'all').reduce((t, w) => t + w.latencyMs.count, 0)).toBe(r.sent);
  });
});
