// The built-in load driver. Open model (constant or ramping arrival rate): every send has an intended
// time fixed in advance and goes out when that time comes whatever the earlier requests are doing,
// and latency counts from the intended time, so a stall is charged to every request it delays
// (coordinated omission corrected). Closed model: N loops, each sending when its previous answer came.
import { performance } from 'node:perf_hooks';
import type { Workflow } from '../../scenarios/requests.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { latencyMs } from '../../results/histogram.js';
import { lowerBoundWarning } from '../../results/lower-bound.js';
import { Recorder, verdict, wantsBody, type Sample } from './recorder.js';
import type { DriverResult } from '../../results/run.js';
import { schedule } from './schedule.js';
import { Metronome } from './metronome.js';
import type { DriverPhase, PhaseProgress } from './progress.js';
import { Sender, type Outcome } from './sender.js';
import type { RequestRecord } from '../../results/fault-windows.js';
import type { FailedCheckout } from '../../results/run.js';
import { Workload, orderIdOf } from './workload.js';

/** What crosses a process boundary: plain data only. */
export interface DriverPlan {
  targetUrl: string; scenario: Scenario; runTag: string; lateThresholdMs?: number; connections?: number;
  /**
   * At most how long before each send the driver polls the clock instead of sleeping (default 0.3 ms),
   * and never more than a tenth of the gap between sends, so polling stays under ~10 % of a core.
   * Polling makes sends punctual to µs; sleeping alone wakes ~0.05–0.3 ms late (included in latency).
   */
  pollMs?: number;
  /** Keep every measured request's outcome and the failed checkouts (fault runs: scripts/bench/faults.ts needs them). */
  keepRequests?: boolean;
}
export interface OpenLoopPlan extends DriverPlan { onProgress?: (p: PhaseProgress<DriverPhase>) => void; onSample?: (s: Sample) => void; }

/** Driver lag beyond this means the numbers describe the load generator, not the system. */
const LAG_WARN_MS = 10;
const POLL_MS = 0.3;
const POLL_SHARE = 0.1;

export async function runOpenLoop(plan: OpenLoopPlan): Promise<DriverResult> {
  const s = plan.scenario;
  const lateThresholdMs = plan.lateThresholdMs ?? 5;
  const connections = plan.connections ?? s.maxInFlight;
  const closed = s.arrival.model === 'closed';
  const workload = new Workload(s.mix, s.seed, plan.runTag);
  const rec = new Recorder(lateThresholdMs, plan.onSample);
  let wake = () => {};
  // Started (and online) before the clock starts, so the first sends are not late by a thread's start-up.
  const metronome = closed ? undefined : await Metronome.start(() => wake());
  const sender = new Sender(plan.targetUrl, connections, s.timeoutMs);
  const t0 = performance.now();
  const measureAt = t0 + s.warmupS * 1000;
  const endAt = measureAt + s.durationS * 1000;
  let phase: DriverPhase = 'warmup';
  let cpuAtMeasure = process.cpuUsage();
  let sentTotal = 0;
  let scheduled = 0;
  let clientRetries = 0;
  /** Retries waiting out their backoff: the run is not over until they are sent and answered. */
  let retriesWaiting = 0;
  const requests: RequestRecord[] = [];
  const failedCheckouts: FailedCheckout[] = [];
  let lastReport = t0;

  const report = () => {
    const now = performance.now();
    const interval = rec.takeInterval();
    const sinceS = (now - lastReport) / 1000;
    lastReport = now;
    plan.onProgress?.({
      phase,
      elapsedS: (now - (phase === 'warmup' ? t0 : measureAt)) / 1000,
      remainingS: Math.max(0, (phase === 'warmup' ? measureAt : endAt) - now) / 1000,
      rateRps: sinceS > 0 ? interval.answers / sinceS : 0,
      p99Ms: interval.p99Ms,
      sent: sentTotal,
    });
  };
  // Reported at once: callers start their own measurement windows (per-hop stats, cost) on it.
  const enterMeasure = () => {
    if (phase === 'measure') return;
    phase = 'measure';
    cpuAtMeasure = process.cpuUsage();
    report();
  };
  const ticker = setInterval(report, 1000);
  const measureTimer = setTimeout(enterMeasure, s.warmupS * 1000);

  /** `readyMs`: the intended send time (open) or when the loop got its previous answer (closed). */
  const exchange = (readyMs: number, measured: boolean, then?: (endMs: number) => void, pick = workload.next()) => {
    const { request, customer } = pick;
    const workflow: Workflow = request.workflow;
    const attempt = (retries: number, intendedMs: number) => {
      const issuedMs = performance.now();
      sentTotal++;
      if (measured && retries === 0) rec.issued(issuedMs - readyMs);
      sender.send(request, wantsBody(workflow), (o) => {
        const v = verdict(workflow, o);
        // A real client tries again, with the same request and so the same idempotency key.
        if (!v.ok && s.retry && retries < s.retry.maxRetries && worthRetrying(o)) {
          if (measured) clientRetries++;
          const backoffMs = s.retry.backoffMs * 2 ** retries;
          retriesWaiting++;
          setTimeout(() => { retriesWaiting--; attempt(retries + 1, performance.now()); }, backoffMs);
          return;
        }
        if (v.ok && workflow === 'checkout' && o.kind === 'answer' && o.status < 300) {
          const orderId = orderIdOf(o.body);
          if (orderId) workload.orderPlaced(orderId, customer!);
        }
        // Closed model: there is no schedule to be late against, so latency is the service time.
        const startMs = closed ? (o.wireMs ?? issuedMs) : readyMs;
        rec.ended(workflow, measured, v, o, { startMs, intendedMs, issuedMs });
        if (measured && plan.keepRequests) {
          requests.push({ atMs: readyMs - measureAt, latencyMs: o.kind === 'connection' ? undefined : o.endMs - startMs, ok: v.ok, ...(v.error && { error: v.error }), attempts: retries + 1 });
          if (!v.ok && workflow === 'checkout') failedCheckouts.push({ customer: customer!, idempotencyKey: request.headers['idempotency-key'] });
        }
        then?.(o.endMs);
      });
    };
    attempt(0, readyMs);
  };

  const openArrivals = (m: Metronome) => new Promise<void>((resolve) => {
    const due = schedule(s.arrival, s.warmupS, s.durationS);
    let next = due.next();
    let previousMs = t0;
    const pollMs = plan.pollMs ?? POLL_MS;
    const tick = () => {
      let now = performance.now();
      // Catch up on everything already due, in a burst if the event loop was held up: never skip.
      while (!next.done && t0 + next.value.atMs <= now) {
        const { atMs, measured } = next.value;
        if (measured) { enterMeasure(); scheduled++; }
        // Picked even when it cannot go out: the drop is charged to the workflow it would have been,
        // and the sequence of workflows stays tied to the schedule.
        const pick = workload.next();
        if (sender.outstanding >= s.maxInFlight) {
          if (measured) rec.droppedSend(pick.request.workflow);
          if (measured && plan.keepRequests) requests.push({ atMs: atMs - s.warmupS * 1000, latencyMs: undefined, ok: false, error: 'dropped', attempts: 1 });
        }
        else exchange(t0 + atMs, measured, undefined, pick);
        previousMs = t0 + atMs;
        next = due.next();
        now = performance.now();
      }
      if (next.done) return resolve();
      const dueMs = t0 + next.value.atMs;
      // Sleep (no CPU) until shortly before the send, then poll the last stretch: timers alone wake
      // to the ms and late, and any lateness here lands in every latency.
      const poll = Math.min(pollMs, POLL_SHARE * (dueMs - previousMs));
      if (dueMs - now > poll) m.wakeAt(dueMs - poll);
      else setImmediate(tick);
    };
    wake = tick;
    tick();
  });

  const closedLoops = (concurrency: number) => new Promise<void>((resolve) => {
    let running = concurrency;
    const loop = (readyMs: number) => {
      const now = performance.now();
      if (now >= endAt) { if (--running === 0) resolve(); return; }
      const measured = now >= measureAt;
      if (measured) enterMeasure();
      // A microtask, not a direct call: the next send must not start inside undici's callback.
      exchange(readyMs, measured, (endMs) => queueMicrotask(() => loop(endMs)));
    };
    for (let i = 0; i < concurrency; i++) loop(performance.now());
  });

  try {
    if (s.arrival.model === 'closed') await closedLoops(s.arrival.concurrency);
    else await openArrivals(metronome!);
    enterMeasure();
    while (retriesWaiting > 0 || sender.outstanding > 0) await new Promise((r) => setTimeout(r, 5));
  } finally {
    await metronome?.stop();
    await sender.close();
    clearInterval(ticker);
    clearTimeout(measureTimer);
  }
  const cpu = process.cpuUsage(cpuAtMeasure);

  const achievedRps = rec.answered / s.durationS;
  const offeredRps = closed ? achievedRps : scheduled / s.durationS;
  const lag = latencyMs(rec.lag);
  const wait = latencyMs(rec.connectionWait);
  const mixed = (Object.keys(s.mix) as Workflow[]).filter((w) => (s.mix[w] ?? 0) > 0);
  const warnings: string[] = [];
  if (closed) {
    warnings.push(`closed model (${s.arrival.model === 'closed' ? s.arrival.concurrency : 0} in flight): latency is the service time — a stalled server also stalls the sending, so the tail is under-reported (coordinated omission); offeredRps is the achieved rate`);
  } else {
    if (achievedRps < 0.95 * offeredRps) {
      const errors = rec.sent - rec.answered;
      warnings.push(`the machine cannot keep the offered rate: offered ${round(offeredRps)} req/s, achieved ${round(achievedRps)} req/s` +
        ` (sent ${rec.sent}, dropped ${rec.dropped} at maxInFlight ${s.maxInFlight}, ${errors} without an answer)`);
    }
    if (lag.p99 > LAG_WARN_MS) {
      warnings.push(`the load driver itself was held up: its scheduling lag p99 was ${lag.p99} ms (over ${LAG_WARN_MS} ms), so sends went out late — the machine is too busy for this rate to be measured cleanly`);
    }
  }
  if (!closed && wait.p99 > lateThresholdMs) {
    warnings.push(`requests waited for a free connection (p99 ${wait.p99} ms with ${connections} connection${connections === 1 ? '' : 's'}): that queueing is part of the reported latency, not of the service time`);
  }
  const workflows = rec.results(mixed);
  const all = workflows.find((w) => w.workflow === 'all');
  if (all?.lowerBound) warnings.push(lowerBoundWarning(all));
  if (workload.returnsReplaced > 0) warnings.push(`${workload.returnsReplaced} return(s) went out as history requests: no order of this run was there to return yet`);

  return {
    driver: 'builtin',
    offeredRps: round(offeredRps),
    achievedRps: round(achievedRps),
    durationS: s.durationS,
    warmupS: s.warmupS,
    sent: rec.sent,
    dropped: rec.dropped,
    late: rec.late,
    lateThresholdMs,
    schedulingLagMs: lag,
    connectionWaitMs: wait,
    connections,
    driverCpuS: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    workflows,
    warnings,
    ...(s.retry && { clientRetries }),
    ...(plan.keepRequests && { requests, failedCheckouts }),
  };
}

/** What a client retries: no answer, a cut connection, or the server's own failure; never a 4xx (its answer stands). */
/**
 * A transport failure, a 5xx, or a checkout still being completed past its pivot (409 CHECKOUT_IN_PROGRESS:
 * its order may yet be placed, so giving up would tell the customer it failed when it may not have).
 */
const worthRetrying = (o: Outcome) => o.kind !== 'answer' || o.status >= 500 || (o.status === 409 && o.body?.includes('"CHECKOUT_IN_PROGRESS"') === true);

const round = (n: number) => Math.round(n * 100) / 100;
