// Drives a scenario with k6 instead of the built-in driver: renders the scenario's k6 script, runs the
// k6 binary (found on PATH, in $(go env GOPATH)/bin, or at $SPLITBENCH_K6), and imports the summary its
// handleSummary wrote into the common results format (DriverResult).
//
// k6 is an external program that splitbench neither ships nor installs (see k6Missing()).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  K6_DROPPED_MEASURE, K6_ERROR_KINDS, K6_MEASURE, K6_PHASE_MARKER, K6_RETURN_REPLACED, K6_TRIVIAL_THRESHOLDS,
  k6ErrorCounter, k6MeasureMetric, meanOfferedRps, renderK6Script, sentWorkflows,
} from '../../scenarios/k6.js';
import type { Workflow } from '../../scenarios/requests.js';
import { rateAt, type Scenario } from '../../scenarios/scenario.js';
import type { PhaseProgress } from './progress.js';
import { processTreeCpuS } from './cost.js';
import { lowerBoundWarning, tailHonesty } from '../../results/lower-bound.js';
import type { DriverResult, LatencyMs, WorkflowResult } from '../../results/run.js';
import { goBins, isExecutable, onPath } from '../../targets/wirings/binaries.js';

/** k6's exit code when thresholds failed: the run completed, its result says which thresholds failed. */
export const K6_THRESHOLDS_FAILED = 99;

/** The k6 binary: $SPLITBENCH_K6, else `k6` on PATH, else $(go env GOPATH)/bin/k6; undefined when none. */
export function k6Path(): string | undefined {
  const explicit = process.env.SPLITBENCH_K6;
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  const found = onPath('k6');
  if (found) return found;
  for (const dir of goBins()) if (isExecutable(path.join(dir, 'k6'))) return path.join(dir, 'k6');
  return undefined;
}

/** Why k6 is missing and how to get it (read after "k6 not found: "). */
export function k6Missing(): string {
  const explicit = process.env.SPLITBENCH_K6;
  return (explicit ? `SPLITBENCH_K6=${explicit} is not an executable file; ` : '')
    + `looked on PATH and in ${goBins().map((d) => path.join(d, 'k6')).join(', ') || '$(go env GOPATH)/bin/k6'}. `
    + 'splitbench does not install k6 (an external AGPL-3.0 program): install a current k6 release (k6\'s "Install k6" page lists its packages) '
    + 'and put it on PATH, or point SPLITBENCH_K6 at the binary.';
}

/** The parts of k6's handleSummary data that splitbench reads. */
export interface K6Summary {
  splitbench?: Record<string, unknown>;
  state?: { testRunDurationMs?: number };
  metrics: Record<string, { type: string; contains?: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
}

const EMPTY_LATENCY: LatencyMs = { p50: 0, p90: 0, p99: 0, p999: 0, p9999: 0, max: 0, mean: 0, count: 0 };

function latency(summary: K6Summary, metric: string): LatencyMs {
  const v = summary.metrics[metric]?.values;
  if (!v || !v.count) return { ...EMPTY_LATENCY };
  return { p50: v.med, p90: v['p(90)'], p99: v['p(99)'], p999: v['p(99.9)'], p9999: v['p(99.99)'], max: v.max, mean: v.avg, count: v.count };
}

const kindLabel = (kind: string) => (kind.startsWith('s') && /^s\d+$/.test(kind) ? `status ${kind.slice(1)}` : kind === 'other' ? 'status other' : kind);

/** Turns k6's summary (as the rendered script's handleSummary wrote it) into a DriverResult. */
export function importK6Summary(summary: K6Summary, scenario: Scenario, run: { exitCode: number; driverCpuS: number }): DriverResult {
  const m = summary.metrics ?? {};
  const count = (name: string) => m[name]?.values?.count ?? 0;
  const workflows: WorkflowResult[] = [];
  const allErrors: Record<string, number> = {};
  const warnings: string[] = [];
  let classified = 0;
  for (const w of ['all', ...sentWorkflows(scenario.mix)] as (Workflow | 'all')[]) {
    const lat = latency(summary, k6MeasureMetric('http_req_duration', w));
    const failed = m[k6MeasureMetric('http_req_failed', w)]?.values;
    // http_req_failed is a Rate of "failed": its "passes" are failed requests, its "fails" the others.
    const failures = failed?.passes ?? 0;
    const ok = failed ? failed.fails : lat.count;
    const errors: Record<string, number> = {};
    if (w !== 'all') {
      for (const kind of K6_ERROR_KINDS) {
        const n = count(k6ErrorCounter(w, kind));
        if (n > 0) { errors[kindLabel(kind)] = n; allErrors[kindLabel(kind)] = (allErrors[kindLabel(kind)] ?? 0) + n; classified += n; }
      }
      const unclassified = failures - Object.values(errors).reduce((t, n) => t + n, 0);
      if (unclassified > 0) errors.unclassified = unclassified;
    }
    workflows.push({ workflow: w, latencyMs: lat, serviceTimeMs: { ...lat }, histogram: '', ok, errors });
  }
  const all = workflows[0];
  all.errors = allErrors;
  const allFailures = m[k6MeasureMetric('http_req_failed')]?.values?.passes ?? 0;
  if (allFailures > classified) all.errors.unclassified = allFailures - classified;

  const thresholds = Object.entries(m)
    .flatMap(([name, metric]) => Object.entries(metric.thresholds ?? {})
      .filter(([source]) => !K6_TRIVIAL_THRESHOLDS.includes(source))
      .map(([source, verdict]) => ({ name: `${name}: ${source}`, ok: Boolean(verdict.ok) })))
    .sort((a, b) => a.name.localeCompare(b.name));

  const sent = count(k6MeasureMetric('http_reqs'));
  const dropped = count(K6_DROPPED_MEASURE);
  const droppedAll = count('dropped_iterations');
  // A dropped iteration is a failed send, as in the builtin driver: errors.dropped, in every error rate.
  if (dropped > 0) {
    all.errors.dropped = dropped;
    const share = splitByWeight(dropped, workflows.slice(1).map((w) => scenario.mix[w.workflow as Workflow] ?? 0));
    workflows.slice(1).forEach((w, i) => { if (share[i] > 0) w.errors.dropped = share[i]; });
    if (workflows.length > 2) warnings.push(`k6 does not say which workflow a dropped iteration would have run: its ${dropped} dropped iteration(s) are split across workflows by their mix weight.`);
  }
  for (const w of workflows) Object.assign(w, tailHonesty(w.ok, w.errors));
  if (all.lowerBound) warnings.push(lowerBoundWarning(all));
  warnings.push(
    'k6 measures latency from the actual send (http_req_duration = sending + waiting + receiving; connection set-up excluded); '
    + 'its open model drops iterations that find no free VU (counted in dropped) instead of sending them late, so latencyMs here is '
    + 'NOT coordinated-omission corrected and equals serviceTimeMs: do not compare it naively with the builtin driver\'s latencyMs.',
    'k6 keeps no HdrHistogram: histogram is "" and the percentiles are k6\'s own (summaryTrendStats p50/p90/p99/p99.9/p99.99).',
    'k6 reports neither late sends nor its scheduling lag: late and schedulingLagMs are 0, not measured.',
    `achievedRps = requests of the measured scenario / its ${scenario.durationS} s (k6's own http_reqs rate divides by the whole run, warm-up included).`,
  );
  if (dropped > 0) warnings.push(`k6 dropped ${dropped} iteration(s) in the measured part (no free VU of maxVUs = ${scenario.maxInFlight}).`);
  if (droppedAll > dropped) warnings.push(`k6 dropped ${droppedAll - dropped} iteration(s) during the warm-up.`);
  const replaced = count(K6_RETURN_REPLACED);
  if (replaced > 0) warnings.push(`${replaced} return(s) went out as history requests: the VU had no order of its own to return yet.`);
  const checks = m[k6MeasureMetric('checks')]?.values;
  if (checks && checks.fails !== allFailures) warnings.push(`k6 checks failed ${checks.fails} time(s) but http_req_failed counted ${allFailures}.`);
  const failedThresholds = thresholds.filter((t) => !t.ok);
  if (failedThresholds.length > 0) warnings.push(`k6 thresholds failed: ${failedThresholds.map((t) => t.name).join('; ')}.`);
  else if (run.exitCode === K6_THRESHOLDS_FAILED) warnings.push('k6 exited 99 (thresholds failed) but the summary shows none failed.');

  return {
    driver: 'k6',
    offeredRps: meanOfferedRps(scenario.arrival, scenario.durationS),
    achievedRps: scenario.durationS > 0 ? sent / scenario.durationS : 0,
    durationS: scenario.durationS,
    warmupS: scenario.warmupS,
    sent,
    dropped,
    late: 0,
    lateThresholdMs: 0,
    schedulingLagMs: { ...EMPTY_LATENCY },
    driverCpuS: run.driverCpuS,
    workflows,
    warnings,
    thresholds,
  };
}

/** `n` split in proportion to `weights`, whole numbers summing to n (largest remainder first). */
export function splitByWeight(n: number, weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (n * w) / total);
  const parts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0]);
  for (let left = n - parts.reduce((a, b) => a + b, 0), j = 0; left > 0; left--, j++) parts[order[j][1]]++;
  return parts;
}

/** What a k6 exit code other than 0 and 99 means (k6's errext/exitcodes). */
const K6_EXIT: Record<number, string> = {
  97: 'cloud test failed', 98: 'cloud test did not start', 100: 'setup timed out', 101: 'teardown timed out', 102: 'generic error',
  103: 'invalid options or script', 104: 'invalid config', 105: 'external abort', 106: 'cannot start the REST API', 107: 'script exception',
  108: 'aborted by the script (test.abort)', 109: 'Go panic',
};

export interface RunK6Options {
  targetUrl: string;
  runTag: string;
  /** Where the script, its summary and k6's log go. */
  outDir: string;
  onProgress?: (p: PhaseProgress) => void;
  /** The k6 binary; default k6Path(). */
  k6?: string;
  signal?: AbortSignal;
}

/** Runs a scenario with k6 and returns its result; thresholds that failed (exit 99) are part of the result, not an error. */
export async function runK6(scenario: Scenario, opts: RunK6Options): Promise<DriverResult> {
  const k6 = opts.k6 ?? k6Path();
  if (!k6) throw new Error(`k6 not found: ${k6Missing()}`);
  fs.mkdirSync(opts.outDir, { recursive: true });
  const base = path.join(opts.outDir, `k6-${scenario.name}`);
  const scriptPath = `${base}.js`;
  const summaryPath = path.resolve(`${base}-summary.json`);
  const logPath = `${base}.log`;
  fs.writeFileSync(scriptPath, renderK6Script(scenario, { targetUrl: opts.targetUrl, runTag: opts.runTag }));
  fs.rmSync(summaryPath, { force: true });

  const args = [
    'run', '--quiet', '--no-usage-report', '--no-color',
    // The REST API on a port of its own choosing, loopback only: runs side by side never collide on 6565.
    '--address', '127.0.0.1:0',
    '-e', `SPLITBENCH_SUMMARY=${summaryPath}`,
    path.resolve(scriptPath),
  ];
  const child = spawn(k6, args, {
    cwd: opts.outDir,
    env: { ...process.env, SPLITBENCH_SUMMARY: summaryPath, K6_NO_USAGE_REPORT: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: opts.signal,
  });
  const log = fs.createWriteStream(logPath);
  const tail: string[] = [];
  let phase = 'init';
  let phaseStartedAt = Date.now();
  let cpuAtMeasure: number | undefined;
  let lastCpu: number | undefined;
  const sampleCpu = () => { const c = processTreeCpuS(child.pid); if (c !== undefined) lastCpu = c; return c; };

  const report = () => {
    if (!opts.onProgress) return;
    const elapsedS = (Date.now() - phaseStartedAt) / 1000;
    const lengthS = phase === K6_MEASURE ? scenario.durationS : phase === 'warmup' ? scenario.warmupS : 0;
    const a = scenario.arrival;
    const rateRps = phase === K6_MEASURE ? rateAt(a, elapsedS) : a.model === 'constant' ? a.rateRps : a.model === 'ramp' ? (a.startRps || a.stages[0].targetRps) : 0;
    // k6 streams no percentiles while it runs: p99Ms is NaN until the summary is in.
    opts.onProgress({ phase, elapsedS, remainingS: Math.max(0, lengthS - elapsedS), rateRps, p99Ms: Number.NaN });
  };
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      const marker = new RegExp(`${K6_PHASE_MARKER} (\\w+)`).exec(line);
      if (marker && marker[1] !== phase) {
        phase = marker[1];
        phaseStartedAt = Date.now();
        if (phase === K6_MEASURE) cpuAtMeasure = sampleCpu();
        report();
      }
    }
  });
  // handleSummary's short text: kept in the log only.
  child.stdout.on('data', (chunk: Buffer) => log.write(chunk));

  const ticker = setInterval(() => { sampleCpu(); if (phase !== 'init') report(); }, 1000);

  let exitCode: number;
  try {
    exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    clearInterval(ticker);
    if (pending) tail.push(pending);
    await new Promise<void>((resolve) => log.end(resolve));
  }

  if (exitCode !== 0 && exitCode !== K6_THRESHOLDS_FAILED) {
    throw new Error(`k6 exited ${exitCode} (${K6_EXIT[exitCode] ?? 'error'}); script ${scriptPath}, log ${logPath}:\n${tail.slice(-15).join('\n')}`);
  }
  if (!fs.existsSync(summaryPath)) {
    throw new Error(`k6 exited ${exitCode} but wrote no summary to ${summaryPath} (is handleSummary in ${scriptPath}?); log ${logPath}`);
  }
  const summary = JSON.parse(fs.readFileSync(summaryPath, 'utf8')) as K6Summary;
  const driverCpuS = lastCpu !== undefined ? lastCpu - (cpuAtMeasure ?? 0) : 0;
  const result = importK6Summary(summary, scenario, { exitCode, driverCpuS });
  result.warnings.push(
    cpuAtMeasure !== undefined
      ? 'driverCpuS: k6\'s CPU from the start of the measured part, sampled once a second (the last second may be missing).'
      : 'driverCpuS: k6\'s CPU for the whole run (warm-up and VU set-up included), sampled once a second.',
  );
  return result;
}
