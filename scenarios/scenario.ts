// Workloads are data: a scenario file says what to send (workflow mix), how (arrival model), for how
// long and what counts as good (SLOs). Loading validates it and names the file and field at fault.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFaults, type Fault } from './faults.js';
import { WORKFLOWS, type Workflow } from './requests.js';
import { parseWiring } from '../targets/wirings/placement.js';

export type Arrival =
  | { model: 'constant'; rateRps: number }
  | { model: 'ramp'; startRps: number; stages: { durationS: number; targetRps: number }[] }
  | { model: 'closed'; concurrency: number };

export interface Slo {
  p99Ms?: number;
  p50Ms?: number;
  errorRate?: number;
  /** Relative budgets, per wiring: that wiring's p99 (p50) ≤ N × the monolith's, measured in the same run. */
  p99TimesMonolith?: Record<string, number>;
  p50TimesMonolith?: Record<string, number>;
}
export const RELATIVE_SLOS = ['p99TimesMonolith', 'p50TimesMonolith'] as const;

export interface Scenario {
  name: string;
  description: string;
  /** Relative weights per workflow; workflows left out are not sent. */
  mix: Partial<Record<Workflow, number>>;
  arrival: Arrival;
  /** Measured duration after the warm-up (for a ramp: the sum of its stages). */
  durationS: number;
  /** Sent but not recorded: JIT, pools and prepared statements settle first. */
  warmupS: number;
  seed: { skus: number; customers: number };
  /** Outstanding requests allowed before a scheduled send is dropped (k6's VU pool). */
  maxInFlight: number;
  timeoutMs: number;
  /** Per workflow or "all". */
  slo: Partial<Record<Workflow | 'all', Slo>>;
  /** What goes wrong during the measured phase (scenarios/faults.ts); empty: a sunny-day run. */
  faults: Fault[];
  /**
   * How the driver behaves as a client after a timeout, a 5xx or a cut connection: it sends the same
   * request again (same idempotency key) after backoffMs × 2^attempt, up to maxRetries times; the
   * outcome counted is the last one. Absent: no client retries (latency of the system alone).
   */
  retry?: ClientRetry;
}

export interface ClientRetry { maxRetries: number; backoffMs: number; }

export const SCENARIO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)).replace(/\/dist\/scenarios$/, '/scenarios'), '.');

export class ScenarioError extends Error {}

/** The data beside the scenarios that is not one: link profiles (links.ts) and the price table (prices.ts). */
const NOT_SCENARIOS = ['links.json', 'prices.json'];

/** Every shipped scenario's name (scenarios/<name>.json). */
export const scenarioNames = () => fs.readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json') && !NOT_SCENARIOS.includes(f)).map((f) => f.slice(0, -5)).sort();

export function loadScenario(nameOrPath: string): Scenario {
  const file = nameOrPath.endsWith('.json') ? nameOrPath : path.join(SCENARIO_DIR, `${nameOrPath}.json`);
  if (!fs.existsSync(file)) {
    throw new ScenarioError(`scenario "${nameOrPath}": no file ${file}; known scenarios: ${scenarioNames().join(', ')}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ScenarioError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseScenario(raw, file);
}

export function parseScenario(raw: unknown, file: string): Scenario {
  const problems: string[] = [];
  const bad = (field: string, expected: string, got: unknown) => problems.push(`${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  const obj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const positive = (field: string, v: unknown, allowZero = false) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) bad(field, allowZero ? 'a number ≥ 0' : 'a number > 0', v);
  };
  const relative = (field: string, v: unknown) => {
    if (!obj(v) || Object.keys(v).length === 0) {
      bad(field, 'an object of wiring → times the monolith, e.g. {"services/grpc": 3}', v);
      return;
    }
    for (const [wiring, times] of Object.entries(v)) {
      try {
        if (parseWiring(wiring).name === 'monolith') problems.push(`${field}.monolith: the monolith is what the others are measured against`);
      } catch (e) {
        problems.push(`${field}: ${(e as Error).message}`);
      }
      positive(`${field}.${wiring}`, times);
    }
  };
  if (!obj(raw)) throw new ScenarioError(`${file}: expected a JSON object`);
  const known = ['name', 'description', 'mix', 'arrival', 'durationS', 'warmupS', 'seed', 'maxInFlight', 'timeoutMs', 'slo', 'faults', 'retry'];
  for (const k of Object.keys(raw)) if (!known.includes(k)) problems.push(`${k}: unknown field (known: ${known.join(', ')})`);
  if (typeof raw.name !== 'string' || !/^[a-z0-9-]+$/.test(raw.name)) bad('name', 'a lower-case name like "checkout-steady"', raw.name);
  if (!obj(raw.mix) || Object.keys(raw.mix).length === 0) bad('mix', `an object of weights, e.g. {"checkout": 1}, over ${WORKFLOWS.join('/')}`, raw.mix);
  else for (const [w, v] of Object.entries(raw.mix)) {
    if (!WORKFLOWS.includes(w as Workflow)) problems.push(`mix.${w}: unknown workflow (known: ${WORKFLOWS.join(', ')})`);
    positive(`mix.${w}`, v, true);
  }
  const a = raw.arrival;
  if (!obj(a)) bad('arrival', 'an object with model constant | ramp | closed', a);
  else if (a.model === 'constant') positive('arrival.rateRps', a.rateRps);
  else if (a.model === 'closed') { if (!Number.isInteger(a.concurrency) || a.concurrency < 1) bad('arrival.concurrency', 'an integer ≥ 1', a.concurrency); }
  else if (a.model === 'ramp') {
    positive('arrival.startRps', a.startRps ?? 0, true);
    if (!Array.isArray(a.stages) || a.stages.length === 0) bad('arrival.stages', 'a non-empty list of {durationS, targetRps}', a.stages);
    else a.stages.forEach((s: any, i: number) => { positive(`arrival.stages[${i}].durationS`, s?.durationS); positive(`arrival.stages[${i}].targetRps`, s?.targetRps, true); });
  } else bad('arrival.model', '"constant", "ramp" or "closed"', a.model);
  const rampS = obj(a) && a.model === 'ramp' && Array.isArray(a.stages) ? a.stages.reduce((t: number, s: any) => t + (Number(s?.durationS) || 0), 0) : undefined;
  if (rampS === undefined) positive('durationS', raw.durationS);
  positive('warmupS', raw.warmupS ?? 0, true);
  const seed = raw.seed ?? { skus: 10_000, customers: 1_000 };
  if (!obj(seed) || !Number.isInteger(seed.skus) || seed.skus < 1000 || !Number.isInteger(seed.customers) || seed.customers < 10) bad('seed', '{"skus": integer ≥ 1000, "customers": integer ≥ 10}', seed);
  const maxInFlight = raw.maxInFlight ?? 256;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) bad('maxInFlight', 'an integer ≥ 1', maxInFlight);
  positive('timeoutMs', raw.timeoutMs ?? 5000);
  const slo = raw.slo ?? {};
  if (!obj(slo)) bad('slo', 'an object keyed by workflow or "all"', slo);
  else for (const [w, s] of Object.entries(slo)) {
    if (w !== 'all' && !WORKFLOWS.includes(w as Workflow)) problems.push(`slo.${w}: unknown workflow (known: all, ${WORKFLOWS.join(', ')})`);
    if (!obj(s)) { bad(`slo.${w}`, 'an object like {"p99Ms": 200}', s); continue; }
    for (const [k, v] of Object.entries(s)) {
      if ((RELATIVE_SLOS as readonly string[]).includes(k)) relative(`slo.${w}.${k}`, v);
      else if (!['p99Ms', 'p50Ms', 'errorRate'].includes(k)) problems.push(`slo.${w}.${k}: unknown threshold (known: p50Ms, p99Ms, errorRate, ${RELATIVE_SLOS.join(', ')})`);
      else positive(`slo.${w}.${k}`, v);
    }
  }
  const durationS = rampS ?? raw.durationS;
  const faults = parseFaults(raw.faults, typeof durationS === 'number' ? durationS : Infinity, problems);
  const retry = raw.retry;
  if (retry !== undefined) {
    if (!obj(retry)) bad('retry', '{"maxRetries": integer ≥ 0, "backoffMs": number > 0}', retry);
    else {
      for (const k of Object.keys(retry)) if (!['maxRetries', 'backoffMs'].includes(k)) problems.push(`retry.${k}: unknown field (known: maxRetries, backoffMs)`);
      if (!Number.isInteger(retry.maxRetries) || retry.maxRetries < 0 || retry.maxRetries > 10) bad('retry.maxRetries', 'an integer from 0 to 10', retry.maxRetries);
      positive('retry.backoffMs', retry.backoffMs);
    }
  }
  if (problems.length) throw new ScenarioError(`${file}: ${problems.join('; ')}`);
  return {
    name: raw.name, description: String(raw.description ?? ''), mix: raw.mix, arrival: a.model === 'ramp' ? { model: 'ramp', startRps: a.startRps ?? 0, stages: a.stages } : a,
    durationS, warmupS: raw.warmupS ?? 0, seed, maxInFlight, timeoutMs: raw.timeoutMs ?? 5000, slo, faults, ...(retry && { retry }),
  };
}

/** Offered rate (req/s) at time t seconds into the measured part of a run. */
export function rateAt(arrival: Arrival, tS: number): number {
  if (arrival.model === 'constant') return arrival.rateRps;
  if (arrival.model === 'closed') return 0;
  let from = arrival.startRps;
  let start = 0;
  for (const s of arrival.stages) {
    if (tS < start + s.durationS) return from + ((s.targetRps - from) * (tS - start)) / s.durationS;
    start += s.durationS;
    from = s.targetRps;
  }
  return from;
}
