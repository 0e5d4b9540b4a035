// Saturation: autocannon as a closed model (`connections` requests always in flight, each sent when
// the previous one answered) finds how many requests per second a wiring completes at most. No rate
// is set, so autocannon's coordinated-omission correction (wrong for any rate: docs/sources.md) never
// applies. Its own latencies are whole milliseconds; ours come from each response's hrtime duration
// into a µs HdrHistogram.
import autocannon from 'autocannon';
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Scenario } from '../../scenarios/scenario.js';
import { latencyMs, recordUs, usHistogram } from '../../results/histogram.js';
import { tailHonesty } from '../../results/lower-bound.js';
import type { DriverPhase, PhaseProgress } from './progress.js';
import { verdict } from './recorder.js';
import { Workload, orderIdOf, type Pick } from './workload.js';

export interface SaturationPlan { targetUrl: string; scenario: Scenario; runTag: string; connections: number; warmupS: number; durationS: number; }
export interface SaturationMeasurement {
  connections: number; durationS: number; maxRps: number; ok: number; errors: number; errorKinds: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
  /** Timeouts are not in latencyMs (autocannon reports no duration for them): past 1 % it is a lower bound. */
  droppedOrTimedOutShare: number; lowerBound: boolean;
}

export async function runSaturation(plan: SaturationPlan, onProgress: (p: PhaseProgress<DriverPhase>) => void): Promise<SaturationMeasurement> {
  const workload = new Workload(plan.scenario.mix, plan.scenario.seed, plan.runTag);
  await phase(plan, workload, 'warmup', plan.warmupS, onProgress);
  return phase(plan, workload, 'measure', plan.durationS, onProgress);
}

async function phase(plan: SaturationPlan, workload: Workload, name: DriverPhase, durationS: number, onProgress: (p: PhaseProgress<DriverPhase>) => void): Promise<SaturationMeasurement> {
  const latency = usHistogram();
  const interval = usHistogram();
  const errorKinds: Record<string, number> = {};
  let ok = 0;
  let intervalAnswers = 0;
  const basePath = new URL(plan.targetUrl).pathname.replace(/\/$/, '');
  const started = performance.now();
  // Typed as a promise, but it is also the event emitter that reports each response.
  const instance = autocannon({
    url: plan.targetUrl,
    connections: plan.connections,
    pipelining: 1,
    duration: durationS,
    timeout: Math.max(1, Math.ceil(plan.scenario.timeoutMs / 1000)),
    requests: [{
      // One request in flight per connection, so the connection's context holds the pick it answers.
      setupRequest: (request: any, context: { pick?: Pick }) => {
        const pick = workload.next();
        context.pick = pick;
        const r = pick.request;
        return { ...request, method: r.method, path: basePath + r.path, headers: { ...r.headers, 'x-timeout-ms': String(Math.min(60_000, Math.round(plan.scenario.timeoutMs))) }, body: r.body };
      },
      onResponse: (status: number, body: string, context: { pick?: Pick }) => {
        const pick = context.pick;
        if (!pick) return;
        const v = verdict(pick.request.workflow, { kind: 'answer', status, body, wireMs: 0, endMs: 0 });
        if (v.ok) {
          ok++;
          if (pick.request.workflow === 'checkout' && status < 300) {
            const orderId = orderIdOf(body);
            if (orderId) workload.orderPlaced(orderId, pick.customer!);
          }
        } else errorKinds[v.error!] = (errorKinds[v.error!] ?? 0) + 1;
      },
    }],
  } as autocannon.Options) as unknown as EventEmitter & PromiseLike<autocannon.Result>;
  instance.on('response', (_client: unknown, _status: number, _bytes: number, durationMs: number) => {
    recordUs(latency, durationMs * 1000);
    recordUs(interval, durationMs * 1000);
    intervalAnswers++;
  });
  instance.on('reqError', () => { errorKinds.connection = (errorKinds.connection ?? 0) + 1; });
  let last = started;
  const ticker = setInterval(() => {
    const now = performance.now();
    onProgress({
      phase: name, elapsedS: (now - started) / 1000, remainingS: Math.max(0, durationS - (now - started) / 1000),
      rateRps: intervalAnswers / ((now - last) / 1000), p99Ms: interval.totalCount ? interval.getValueAtPercentile(99) / 1000 : 0,
    });
    interval.reset();
    intervalAnswers = 0;
    last = now;
  }, 1000);
  if (name === 'measure') onProgress({ phase: name, elapsedS: 0, remainingS: durationS, rateRps: 0, p99Ms: 0 });
  let result: autocannon.Result;
  try {
    result = await instance;
  } finally {
    clearInterval(ticker);
  }
  if (result.timeouts) errorKinds.timeout = (errorKinds.timeout ?? 0) + result.timeouts;
  const measuredS = (performance.now() - started) / 1000;
  const l = latencyMs(latency);
  return {
    connections: plan.connections, durationS: Math.round(measuredS * 100) / 100,
    maxRps: Math.round((ok / measuredS) * 100) / 100, ok,
    errors: Object.values(errorKinds).reduce((a, b) => a + b, 0), errorKinds,
    latencyMs: { p50: l.p50, p99: l.p99, max: l.max },
    ...tailHonesty(ok, errorKinds),
  };
}
