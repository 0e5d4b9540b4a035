// The same scenario definitions, rendered as a self-contained k6 script (docs/design.md, "k6"): arrival-rate
// executors for the open model, a warm-up scenario whose metrics are excluded, the workflow mix as a
// deterministic weighted choice, requests built exactly as scenarios/requests.ts builds them, thresholds
// from the scenario's SLOs plus a guard on dropped_iterations, and handleSummary writing the summary
// JSON that scripts/bench/k6.ts imports into the common results format.
import { COUPONS, PAYMENT_OK } from '../targets/db/seed-data.js';
import { WORKFLOWS, type Workflow } from './requests.js';
import type { Arrival, Scenario } from './scenario.js';

/** k6 scenario names: the warm-up precedes the measured part; only the latter is reported. */
export const K6_WARMUP = 'warmup';
export const K6_MEASURE = 'measure';

/**
 * Trend statistics k6 puts into the summary. p(99) and beyond must be asked for; 'count' gives each
 * (sub-)metric's number of samples without an extra threshold.
 */
export const K6_SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(99)', 'p(99.9)', 'p(99.99)', 'count'];

/**
 * k6 only reports a sub-metric (a metric filtered by tags) when some threshold names it, so every
 * per-workflow metric the importer reads gets one of these always-true thresholds. The importer leaves
 * them out of the threshold verdicts.
 */
export const K6_TRIVIAL_THRESHOLDS = ['max>=0', 'rate>=0', 'count>=0'];

/** Error kinds counted per workflow (one k6 Counter each; k6 cannot create metrics mid-test). */
export const K6_ERROR_STATUSES = [400, 401, 402, 403, 404, 405, 408, 409, 410, 413, 415, 422, 429, 500, 501, 502, 503, 504];
export const K6_ERROR_KINDS = ['timeout', 'connection', ...K6_ERROR_STATUSES.map((s) => `s${s}`), 'other'];

/** Name of the sub-metric of `metric` restricted to the measured phase (and to one workflow unless "all"). */
export function k6MeasureMetric(metric: string, workflow: Workflow | 'all' = 'all'): string {
  return workflow === 'all' ? `${metric}{phase:${K6_MEASURE}}` : `${metric}{phase:${K6_MEASURE},workflow:${workflow}}`;
}
export const K6_DROPPED_MEASURE = `dropped_iterations{scenario:${K6_MEASURE}}`;
export const K6_ITERATIONS_MEASURE = `iterations{scenario:${K6_MEASURE}}`;
export const k6ErrorCounter = (workflow: Workflow, kind: string) => `splitbench_err_${workflow}_${kind}`;
export const K6_RETURN_REPLACED = 'splitbench_return_replaced';
/** Printed once per phase by the script (k6 logs console output to stderr); runK6 reads it for progress. */
export const K6_PHASE_MARKER = 'splitbench-phase';

/** The workflows actually sent, in WORKFLOWS order, with their weights. */
export function mixTable(mix: Scenario['mix']): [Workflow, number][] {
  return WORKFLOWS.filter((w) => (mix[w] ?? 0) > 0).map((w) => [w, mix[w] as number]);
}

/** Workflows that can go out: the mix, plus history when returns are mixed in (it stands in for a return with no order yet). */
export function sentWorkflows(mix: Scenario['mix']): Workflow[] {
  const ws = mixTable(mix).map(([w]) => w);
  return ws.includes('return') && !ws.includes('history') ? WORKFLOWS.filter((w) => w === 'history' || ws.includes(w)) : ws;
}

/**
 * Deterministic weighted choice for iteration n: the golden-ratio sequence frac(n·φ⁻¹) is spread evenly
 * over [0, 1), so every window of iterations follows the mix closely, and the same n always gets the
 * same workflow. The rendered script carries the same arithmetic (a test checks they agree).
 */
export function pickWorkflow(table: [Workflow, number][], n: number): Workflow {
  const total = table.reduce((t, [, w]) => t + w, 0);
  const u = ((n * 0.6180339887498949) % 1) * total;
  let acc = 0;
  for (const [w, weight] of table) {
    acc += weight;
    if (u < acc) return w;
  }
  return table[table.length - 1][0];
}

/** k6 rates are integers per timeUnit: the smallest of 1 s, 10 s, 100 s, 1000 s that keeps every rate whole. */
export function rateUnit(rates: number[]): { scale: number; timeUnit: string } {
  for (const scale of [1, 10, 100, 1000]) {
    if (rates.every((r) => Math.abs(r * scale - Math.round(r * scale)) < 1e-9)) return { scale, timeUnit: `${scale}s` };
  }
  return { scale: 1000, timeUnit: '1000s' };
}

const k6Duration = (s: number) => (Number.isInteger(s) ? `${s}s` : `${Math.round(s * 1000)}ms`);

/** Iterations the scenario schedules (warm-up included); closed model: undefined (it never drops). */
export function scheduledIterations(scenario: Scenario): number | undefined {
  const a = scenario.arrival;
  if (a.model === 'closed') return undefined;
  const warm = warmupRate(a) * scenario.warmupS;
  if (a.model === 'constant') return warm + a.rateRps * scenario.durationS;
  let from = a.startRps;
  let sum = 0;
  for (const s of a.stages) { sum += ((from + s.targetRps) / 2) * s.durationS; from = s.targetRps; }
  return warm + sum;
}

/** The threshold on dropped_iterations: 0.1 % of the scheduled iterations, at least 1. */
export function droppedBound(scenario: Scenario): number {
  const n = scheduledIterations(scenario);
  return n === undefined ? 0 : Math.max(1, Math.ceil(n * 0.001));
}

/** Mean offered rate over the measured part (req/s); 0 for the closed model. */
export function meanOfferedRps(arrival: Arrival, durationS: number): number {
  if (arrival.model === 'constant') return arrival.rateRps;
  if (arrival.model === 'closed') return 0;
  let from = arrival.startRps;
  let sum = 0;
  for (const s of arrival.stages) { sum += ((from + s.targetRps) / 2) * s.durationS; from = s.targetRps; }
  return durationS > 0 ? sum / durationS : 0;
}

/** The warm-up runs at the measured part's starting rate (a ramp starting at 0 warms up at its first target). */
function warmupRate(a: Arrival): number {
  if (a.model === 'constant') return a.rateRps;
  if (a.model === 'ramp') return a.startRps > 0 ? a.startRps : a.stages[0].targetRps;
  return 0;
}

/**
 * VUs are k6's in-flight limit: maxVUs = maxInFlight. Pre-allocated: enough for a 100 ms mean latency at
 * the scenario's peak rate (at least 10), so k6 rarely initialises VUs mid-test, without paying for
 * hundreds of idle JS runtimes.
 */
function vus(peakRps: number, maxInFlight: number): { preAllocatedVUs: number; maxVUs: number } {
  return { preAllocatedVUs: Math.min(maxInFlight, Math.max(10, Math.ceil(peakRps * 0.1))), maxVUs: maxInFlight };
}

export function k6Options(scenario: Scenario): Record<string, unknown> {
  const a = scenario.arrival;
  const graceful = k6Duration(Math.ceil(scenario.timeoutMs / 1000) + 1);
  const scenarios: Record<string, Record<string, unknown>> = {};
  const common = (phase: string, startS: number) => ({ startTime: k6Duration(startS), gracefulStop: graceful, tags: { phase } });
  if (a.model === 'closed') {
    if (scenario.warmupS > 0) scenarios[K6_WARMUP] = { executor: 'constant-vus', vus: a.concurrency, duration: k6Duration(scenario.warmupS), ...common(K6_WARMUP, 0) };
    scenarios[K6_MEASURE] = { executor: 'constant-vus', vus: a.concurrency, duration: k6Duration(scenario.durationS), ...common(K6_MEASURE, scenario.warmupS) };
  } else {
    const rates = a.model === 'constant' ? [a.rateRps] : [a.startRps, ...a.stages.map((s) => s.targetRps)];
    const warm = warmupRate(a);
    const { scale, timeUnit } = rateUnit([...rates, warm]);
    const r = (rps: number) => Math.round(rps * scale);
    if (scenario.warmupS > 0) {
      scenarios[K6_WARMUP] = {
        executor: 'constant-arrival-rate', rate: r(warm), timeUnit, duration: k6Duration(scenario.warmupS),
        ...vus(warm, scenario.maxInFlight), ...common(K6_WARMUP, 0),
      };
    }
    scenarios[K6_MEASURE] = a.model === 'constant'
      ? { executor: 'constant-arrival-rate', rate: r(a.rateRps), timeUnit, duration: k6Duration(scenario.durationS), ...vus(a.rateRps, scenario.maxInFlight), ...common(K6_MEASURE, scenario.warmupS) }
      : {
        executor: 'ramping-arrival-rate', startRate: r(a.startRps), timeUnit,
        stages: a.stages.map((s) => ({ target: r(s.targetRps), duration: k6Duration(s.durationS) })),
        ...vus(Math.max(...rates), scenario.maxInFlight), ...common(K6_MEASURE, scenario.warmupS),
      };
  }

  const thresholds: Record<string, string[]> = {};
  const add = (metric: string, expr: string) => { (thresholds[metric] ??= []).includes(expr) || thresholds[metric].push(expr); };
  for (const w of ['all', ...sentWorkflows(scenario.mix)] as (Workflow | 'all')[]) {
    add(k6MeasureMetric('http_req_duration', w), 'max>=0');
    add(k6MeasureMetric('http_req_failed', w), 'rate>=0');
  }
  add(k6MeasureMetric('http_reqs'), 'count>=0');
  add(k6MeasureMetric('checks'), 'rate>=0');
  add(K6_ITERATIONS_MEASURE, 'count>=0');
  add(K6_DROPPED_MEASURE, 'count>=0');
  for (const [w, slo] of Object.entries(scenario.slo) as [Workflow | 'all', Scenario['slo']['all']][]) {
    if (!slo) continue;
    if (slo.p99Ms !== undefined) add(k6MeasureMetric('http_req_duration', w), `p(99)<${slo.p99Ms}`);
    if (slo.p50Ms !== undefined) add(k6MeasureMetric('http_req_duration', w), `med<${slo.p50Ms}`);
    if (slo.errorRate !== undefined) add(k6MeasureMetric('http_req_failed', w), `rate<${slo.errorRate}`);
  }
  add('dropped_iterations', `count<=${droppedBound(scenario)}`);

  return {
    scenarios,
    thresholds,
    summaryTrendStats: K6_SUMMARY_TREND_STATS,
    // No per-URL tag: one product page per SKU would make thousands of time series. Requests carry a
    // per-workflow "name" instead.
    systemTags: ['status', 'method', 'name', 'group', 'check', 'error', 'error_code', 'scenario', 'expected_response', 'proto'],
    // Only checkout responses are read (their orderId, for returns); they ask for the body themselves.
    discardResponseBodies: true,
  };
}

/** Renders the k6 script for a scenario. The target URL can be overridden at run time with env SPLITBENCH_TARGET. */
/** k6 sends requests; it cannot kill a process or put a proxy between two, so fault scenarios are the built-in driver's. */
export const k6Renders = (scenario: Scenario) => scenario.faults.length === 0;

export function renderK6Script(scenario: Scenario, opts: { targetUrl: string; runTag: string }): string {
  if (!k6Renders(scenario)) throw new Error(`scenario "${scenario.name}" has faults: k6 cannot inject them; run it with the built-in driver`);
  const j = (v: unknown) => JSON.stringify(v);
  const table = mixTable(scenario.mix);
  if (table.length === 0) throw new Error(`scenario "${scenario.name}": the mix sends no workflow`);
  const meta = {
    scenario: scenario.name, runTag: opts.runTag, arrival: scenario.arrival, durationS: scenario.durationS, warmupS: scenario.warmupS,
    maxInFlight: scenario.maxInFlight, timeoutMs: scenario.timeoutMs, mix: Object.fromEntries(table),
  };
  return `// Generated by splitbench (scenarios/k6.ts) from scenario "${scenario.name}": re-render instead of editing.
// ${scenario.description.replace(/\n/g, ' ')}
// Run: k6 run --quiet -e SPLITBENCH_SUMMARY=summary.json [-e SPLITBENCH_TARGET=http://127.0.0.1:8080] this-file.js
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const META = ${j(meta)};
const TARGET = (__ENV.SPLITBENCH_TARGET || ${j(opts.targetUrl)}).replace(/\\/+$/, '');
const RUN_TAG = __ENV.SPLITBENCH_RUN_TAG || ${j(opts.runTag)};
const SIZE = ${j(scenario.seed)};
/** @type {[string, number][]} */
const MIX = ${j(table)};
const SENT = ${j(sentWorkflows(scenario.mix))};
const TIMEOUT = ${j(`${scenario.timeoutMs}ms`)};
const COUPON = ${j(COUPONS[0].code)};
const PAYMENT_OK = ${j(PAYMENT_OK)};
const SEARCH_TERMS = ${j(SEARCH_TERMS_FOR_K6)};
const ERROR_STATUSES = ${j(K6_ERROR_STATUSES)};
const ERROR_KINDS = ${j(K6_ERROR_KINDS)};
const PHASE_MARKER = ${j(K6_PHASE_MARKER)};
const MEASURE = ${j(K6_MEASURE)};
const RETURN_REPLACED = ${j(K6_RETURN_REPLACED)};

export const options = ${JSON.stringify(k6Options(scenario), null, 2)};
${SCRIPT_BODY}`;
}

// scenarios/requests.ts keeps its search terms private; they are repeated here and a test compares the
// rendered requests with requests.ts for many sequence numbers.
const SEARCH_TERMS_FOR_K6 = ['speaker', 'lamp audio', 'pro', 'tent outdoor', 'kettle', 'watch', 'studio headphones', 'books', 'smart'];

// The static part of the script: plain ES2015 (k6's JS runtime), no template literals, so that it can sit
// in this TypeScript template string unescaped.
const SCRIPT_BODY = String.raw`
// ---- requests, exactly as scenarios/requests.ts and targets/db/seed-data.ts build them ----
function pad(n, width) { return String(n).padStart(width, '0'); }
function skuId(i) { return 'SKU-' + pad(i, 6); }
function token(i) { return 'tok-' + pad(i, 5); }
function pickSku(k, size) {
  var i = 1 + (k % size.skus);
  if (i % 500 === 0) i = i === size.skus ? i - 1 : i + 1;
  return skuId(i);
}
function customerOfCheckout(n, size) { return 1 + (n % size.customers); }
function checkoutRequest(n, size, runTag) {
  var customer = 1 + (n % size.customers);
  var lines = [{ sku: pickSku(n * 7 + 1, size), qty: 1 + (n % 2) }];
  if (n % 3 === 0) lines.push({ sku: pickSku(n * 13 + 5, size), qty: 1 });
  var coupon = n % 5 === 0 ? COUPON : '';
  return {
    workflow: 'checkout', method: 'POST', path: '/api/checkout',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token(customer), 'idempotency-key': runTag + '-checkout-' + n },
    body: JSON.stringify({ lines: lines, coupon: coupon, paymentToken: n % 10 === 9 ? 'pm_card_visa' : PAYMENT_OK }),
  };
}
function browseRequest(n, size) {
  return { workflow: 'browse', method: 'GET', path: '/api/products/' + pickSku(n * 31 + 3, size), headers: {} };
}
function searchRequest(n) {
  return { workflow: 'search', method: 'GET', path: '/api/search?q=' + encodeURIComponent(SEARCH_TERMS[n % SEARCH_TERMS.length]) + '&limit=10', headers: {} };
}
function historyRequest(n, size) {
  return { workflow: 'history', method: 'GET', path: '/api/orders?limit=10', headers: { authorization: 'Bearer ' + token(1 + (n % size.customers)) } };
}
function returnRequest(orderId, customer, runTag) {
  return {
    workflow: 'return', method: 'POST', path: '/api/returns',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token(customer), 'idempotency-key': runTag + '-return-' + orderId },
    body: JSON.stringify({ orderId: orderId }),
  };
}

// ---- the mix: deterministic weighted choice per iteration (same arithmetic as pickWorkflow in k6.ts) ----
var MIX_TOTAL = MIX.reduce(function (t, e) { return t + e[1]; }, 0);
function pickWorkflow(n) {
  var u = ((n * 0.6180339887498949) % 1) * MIX_TOTAL;
  var acc = 0;
  for (var i = 0; i < MIX.length; i++) {
    acc += MIX[i][1];
    if (u < acc) return MIX[i][0];
  }
  return MIX[MIX.length - 1][0];
}

// ---- sending ----
var NAMES = { checkout: 'POST /api/checkout', browse: 'GET /api/products/{sku}', search: 'GET /api/search', history: 'GET /api/orders', return: 'POST /api/returns' };
// A declined payment (402) is an answer the workload asks for (every 10th checkout pays with a scored card).
var CHECKOUT_EXPECTED = http.expectedStatuses({ min: 200, max: 399 }, 402);
function expectedStatus(workflow, status) { return (status >= 200 && status < 400) || (workflow === 'checkout' && status === 402); }

var errorCounters = {};
SENT.forEach(function (w) {
  ERROR_KINDS.forEach(function (kind) { errorCounters[w + '_' + kind] = new Counter('splitbench_err_' + w + '_' + kind); });
});
var returnReplaced = new Counter(RETURN_REPLACED);

function errorKind(res) {
  if (res.status === 0) return res.error_code === 1050 ? 'timeout' : 'connection';
  return ERROR_STATUSES.indexOf(res.status) >= 0 ? 's' + res.status : 'other';
}

function send(req, phase) {
  var params = { headers: req.headers, tags: { workflow: req.workflow, phase: phase, name: NAMES[req.workflow] }, timeout: TIMEOUT };
  if (req.workflow === 'checkout') { params.responseCallback = CHECKOUT_EXPECTED; params.responseType = 'text'; }
  var res = http.request(req.method, TARGET + req.path, req.body === undefined ? null : req.body, params);
  var ok = expectedStatus(req.workflow, res.status);
  /** @type {Record<string, () => boolean>} */
  var checks = {};
  checks[req.workflow + ' answered as expected'] = function () { return ok; };
  check(res, checks, { workflow: req.workflow, phase: phase });
  if (!ok && phase === MEASURE) errorCounters[req.workflow + '_' + errorKind(res)].add(1);
  return res;
}

// Orders this VU placed and has not returned yet: what a return returns.
var openOrders = [];
var KEEP_ORDERS = MIX.some(function (e) { return e[0] === 'return'; });

function placeOrder(n, phase, tag) {
  var res = send(checkoutRequest(n, SIZE, tag), phase);
  if (KEEP_ORDERS && res.status === 201 && openOrders.length < 1000) {
    try {
      var orderId = JSON.parse(/** @type {string} */ (res.body)).orderId;
      if (orderId) openOrders.push({ orderId: orderId, customer: customerOfCheckout(n, SIZE) });
    } catch (e) { /* not JSON: nothing to return later */ }
  }
}

export default function () {
  var phase = exec.scenario.name === MEASURE ? MEASURE : 'warmup';
  var n = exec.scenario.iterationInTest;
  if (n === 0) console.log(PHASE_MARKER + ' ' + phase);
  // Idempotency keys: run tag, phase and VU, then the workflow and iteration number (unique per scenario).
  var tag = RUN_TAG + '-' + phase + '-vu' + exec.vu.idInTest;
  var workflow = pickWorkflow(n);
  if (workflow === 'checkout') placeOrder(n, phase, tag);
  else if (workflow === 'browse') send(browseRequest(n, SIZE), phase);
  else if (workflow === 'search') send(searchRequest(n), phase);
  else if (workflow === 'history') send(historyRequest(n, SIZE), phase);
  else {
    // A return needs an order of this run: this VU's oldest open one. With none yet (k6 VUs share no
    // memory), a history request goes out instead, as the built-in driver does, and is counted.
    var order = openOrders.shift();
    if (order) send(returnRequest(order.orderId, order.customer, tag), phase);
    else {
      if (phase === MEASURE) returnReplaced.add(1);
      send(historyRequest(n, SIZE), phase);
    }
  }
}

// ---- end of test: the summary JSON for splitbench, a short text for people ----
function fmtMs(v) { return v === undefined ? '-' : v < 1 ? (v * 1000).toFixed(0) + 'µs' : v.toFixed(v < 10 ? 2 : 1) + 'ms'; }
function summaryText(data) {
  var m = data.metrics;
  var d = (m['http_req_duration{phase:' + MEASURE + '}'] || {}).values || {};
  var reqs = (m['http_reqs{phase:' + MEASURE + '}'] || {}).values || {};
  var failed = (m['http_req_failed{phase:' + MEASURE + '}'] || {}).values || {};
  var dropped = ((m.dropped_iterations || {}).values || {}).count || 0;
  var failedThresholds = [];
  Object.keys(m).forEach(function (name) {
    var th = m[name].thresholds || {};
    Object.keys(th).forEach(function (src) { if (!th[src].ok) failedThresholds.push(name + ' ' + src); });
  });
  var lines = [
    'splitbench k6 ' + META.scenario + ' (' + META.runTag + '): ' + (reqs.count || 0) + ' requests measured over ' + META.durationS + ' s after a ' + META.warmupS + ' s warm-up',
    '  latency from actual send: p50 ' + fmtMs(d.med) + '  p90 ' + fmtMs(d['p(90)']) + '  p99 ' + fmtMs(d['p(99)']) + '  p99.9 ' + fmtMs(d['p(99.9)']) + '  max ' + fmtMs(d.max),
    '  failed ' + (((failed.rate || 0) * 100).toFixed(2)) + ' %  dropped iterations ' + dropped,
    failedThresholds.length ? '  thresholds FAILED: ' + failedThresholds.join('; ') : '  thresholds: all passed',
  ];
  return lines.join('\n') + '\n';
}

export function handleSummary(data) {
  var out = {};
  out[__ENV.SPLITBENCH_SUMMARY || 'splitbench-k6-summary.json'] = JSON.stringify(Object.assign({ splitbench: META }, data));
  out.stdout = summaryText(data);
  return out;
}
`;
