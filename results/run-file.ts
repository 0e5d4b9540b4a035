// Reading run.json back (report, gate, baseline): a bad file is an error naming the file and the
// field, never a chart of undefined or a verdict from half a run.
import fs from 'node:fs';
import path from 'node:path';
import { SCHEMA_VERSION, type RunResult } from './run.js';

export class RunFileError extends Error {}

/** Accepts a run.json or a directory holding one. */
export function runFilePath(fileOrDir: string): string {
  const p = path.resolve(fileOrDir);
  return fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, 'run.json') : p;
}

export function readRun(fileOrDir: string): RunResult {
  const file = runFilePath(fileOrDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new RunFileError(`${file}: no such file (expected a run.json written by npm run bench, or its directory)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RunFileError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const problems = checkRun(data);
  if (problems.length) throw new RunFileError(`${file}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  return data as RunResult;
}

type Check = (value: unknown, at: string) => string[];

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v);
const number: Check = (v, at) => (typeof v === 'number' && Number.isFinite(v) ? [] : [`${at}: expected a number, got ${kind(v)}`]);
const string: Check = (v, at) => (typeof v === 'string' ? [] : [`${at}: expected a string, got ${kind(v)}`]);
const boolean: Check = (v, at) => (typeof v === 'boolean' ? [] : [`${at}: expected true or false, got ${kind(v)}`]);
const object = (fields: Record<string, Check>): Check => (v, at) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [`${at}: expected an object, got ${kind(v)}`];
  const o = v as Record<string, unknown>;
  return Object.entries(fields).flatMap(([k, check]) => check(o[k], `${at}.${k}`));
};
const list = (item: Check): Check => (v, at) => (Array.isArray(v) ? v.flatMap((x, i) => item(x, `${at}[${i}]`)) : [`${at}: expected a list, got ${kind(v)}`]);
const optional = (check: Check): Check => (v, at) => (v === undefined ? [] : check(v, at));
const counts: Check = (v, at) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v).flatMap(([k, n]) => number(n, `${at}.${k}`)) : [`${at}: expected an object of counts, got ${kind(v)}`]);

const latency = object({ p50: number, p90: number, p99: number, p999: number, max: number, count: number });
const p50p99 = object({ p50: number, p99: number });
const cost = object({ processes: number, cpuSPer1kRequests: number, rssPeakMbSum: number });
const driver = object({
  driver: string, offeredRps: number, achievedRps: number, durationS: number, sent: number, dropped: number, late: number,
  schedulingLagMs: latency, warnings: list(string),
  workflows: list(object({ workflow: string, latencyMs: latency, serviceTimeMs: latency, histogram: string, ok: number, errors: counts, droppedOrTimedOutShare: optional(number), lowerBound: optional(boolean) })),
});
const invariantReport = object({
  ok: boolean, checks: list(object({ name: string, ok: boolean, detail: string })), orders: number, events: number,
  outbox: optional(object({ state: string, undelivered: number, waitedS: number, drainRatePerS: number })),
});
const cellStart = optional(object({ method: string, ms: number }));
const microRow: Check = (v, at) => ((v as { kind?: unknown } | null)?.kind === 'outbox'
  ? object({ name: string, transport: string, events: number, durationS: number, eventsPerS: number, batchSize: number, invariantsOk: boolean })
  : object({ name: string, kind: string, transport: string, p50Us: number, p99Us: number, opsPerS: number }))(v, at);
const subscriberLatency = object({ subscriber: string, latencyMs: object({ p50: number, p99: number, max: number, count: number }), histogram: string, missing: number });
const events = optional(object({ events: number, arrivalPerS: number, backlogAtEnd: number, all: subscriberLatency, subscribers: list(subscriberLatency), clock: string }));
const run = object({
  runId: string,
  environment: object({ hostname: string, node: string, cpuModel: string, cores: number, gitSha: string, startedAt: string, loadAverage: list(number) }),
  config: object({ profile: string, wirings: list(string), trials: number, driver: string, method: string, scenario: object({ name: string }) }),
  cells: list(object({
    wiring: string, scenario: string, trial: number, processes: number, startupMs: number, driver, cost,
    edges: list(object({ from: string, to: string, transport: string, calls: number, rttUs: p50p99, handlerUs: p50p99, overheadUs: p50p99, requestBytesMean: number, responseBytesMean: number, rttHistogram: optional(string) })),
    tail: optional(object({ requests: number, callsPerRequest: counts, slowCallsPerRequest: counts })),
    start: cellStart, invariants: invariantReport,
    events,
  })),
  target: list(driver),
  micro: list(microRow),
  saturation: optional(list(object({ wiring: string, connections: number, maxRps: number, latencyMs: object({ p50: number, p99: number, max: number }), errors: number, cost, start: cellStart, invariants: invariantReport, events }))),
  sweep: optional(list(object({ wiring: string, fraction: number, offeredRps: number, achievedRps: number, latencyMs: latency, errors: number, start: cellStart, invariants: invariantReport, events }))),
  floor: optional(list(object({
    wiring: string, transport: string, processes: number, remoteHops: number, offeredRps: number, achievedRps: number, latencyMs: latency, errors: number, perHopOverheadUs: p50p99,
    edges: list(object({ from: string, to: string, transport: string, calls: number, rttUs: p50p99, handlerUs: p50p99, overheadUs: p50p99 })), warnings: list(string),
  }))),
});

export function checkRun(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return [`expected a run object, got ${kind(data)}`];
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (version !== SCHEMA_VERSION) return [`schemaVersion: expected ${SCHEMA_VERSION}, got ${JSON.stringify(version) ?? 'nothing'} (written by another version of splitbench)`];
  return run(data, 'run').map((p) => p.replace(/^run\./, ''));
}
