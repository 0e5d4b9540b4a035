// Measurement cells. Each one: fresh seeded databases (the same start for every cell, cell-start.ts), a
// started wiring, one measurement (open-loop drive, closed-model saturation, or a sweep of rates), the
// invariants, stopped — so no cell inherits another's data, caches or connections.
import type { CellDatabases, CellStart } from '../../targets/db/cell-start.js';
import type { Databases } from '../../targets/db/connect.js';
import { checkInvariants, type InvariantReport } from '../../targets/db/invariants.js';
import { SERVICES } from '../../targets/services.js';
import { startWiring, type RunningWiring, type WiringOptions } from '../../targets/wirings/supervisor.js';
import { WiringLinks } from '../../targets/wirings/links.js';
import type { Toxiproxy } from '../../targets/wirings/toxiproxy.js';
import { faultWindows, timeline, type FaultSpan } from '../../results/fault-windows.js';
import { faultTimeline, needsLinks } from './faults.js';
import { placedOrders } from './placed-orders.js';
import type { AppliedLink } from './link-profile.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { cost, processTreeCpuS } from './cost.js';
import { isLowerBound } from '../../results/lower-bound.js';
import { runSaturationInChild } from './driver-process.js';
import type { PhaseProgress } from './progress.js';
import type { Cell, CostResult, DriverResult, EdgeResult, FaultsResult, ProxyCost, SaturationRow, SweepPoint, TailSample } from '../../results/run.js';
import { checkoutTail } from './tail.js';
import { eventLatency, outboxPosition, windowEnd } from './event-latency.js';

export type { Cell };

export type DriverName = 'builtin' | 'k6';
export interface DriveFn { (targetUrl: string, scenario: Scenario, runTag: string, onProgress: (p: PhaseProgress) => void): Promise<DriverResult>; }

export interface CellOptions {
  wiring: string; scenario: Scenario; runTag: string; db: Databases; fresh: CellDatabases; injectDelay?: string;
  onPhase: (phase: string) => void; onProgress: (p: PhaseProgress) => void; onStop: (stop: () => Promise<void>) => void;
  /** Fault scenarios: the proxies' server (link and database faults) and what one proxy costs, measured once per run. */
  faults?: { toxiproxy?: Toxiproxy; proxy?: ProxyCost; log: (m: string) => void };
  /** A link profile on every process → process boundary (a proxy each, its toxics in place before any connection opens). */
  link?: { applied: AppliedLink; toxiproxy: Toxiproxy };
}

export async function runCell(opts: CellOptions & { trial: number; drive: DriveFn }): Promise<Cell> {
  const faults = opts.scenario.faults;
  const tag = opts.runTag.replace(/[^A-Za-z0-9]/g, '_');
  const links = needsLinks(faults) ? new WiringLinks(requireToxiproxy(opts), tag, { link: opts.link?.applied.toxics })
    : opts.link ? new WiringLinks(opts.link.toxiproxy, tag, { link: opts.link.applied.toxics, databases: false }) : undefined;
  try {
    const { result, invariants, wiring, start } = await withWiring({ ...opts, route: links?.route }, async (wiring) => {
      const window = await measureWindow(wiring, opts.db);
      const timeline = faults.length ? faultTimeline(faults, wiring, links, opts.faults?.log ?? (() => {})) : undefined;
      opts.onStop(async () => { await timeline?.abort(); });
      const driver = await opts.drive(wiring.gatewayUrl, opts.scenario, opts.runTag, (p) => {
        if (p.phase === 'measure') { window.start(); timeline?.start(); }
        opts.onProgress(p);
      }).catch(async (e) => { await timeline?.abort(); throw e; });
      const spans = await timeline?.done();
      return { driver, spans, ...(await window.end(answered(driver))) };
    });
    const { requests, failedCheckouts, ...driver } = result.driver;
    return {
      wiring: opts.wiring, scenario: opts.scenario.name, trial: opts.trial, processes: wiring.pids.length, startupMs: wiring.startupMs,
      settings: wiring.settings, start, driver, cost: result.cost, edges: result.edges, ...(result.tail && { tail: result.tail }), invariants,
      // Read after the invariants' drain, from the databases: the wiring is stopped, its rows are not.
      events: await eventLatency(opts.db.urls, result.eventWindow),
      ...(result.spans && { faults: await faultsResult(opts, result.spans, result.driver, result.edges) }),
      ...(opts.link && { linkApplied: { name: opts.link.applied.name, rttMs: opts.link.applied.rttMs, jitterMs: opts.link.applied.jitterMs, boundaries: links!.boundaries.filter((b) => b.to).length } }),
    };
  } finally {
    await links?.close();
  }
}

function requireToxiproxy(opts: CellOptions): Toxiproxy {
  if (!opts.faults?.toxiproxy) throw new Error(`scenario ${opts.scenario.name}: its link and database faults need Toxiproxy, and none was started`);
  return opts.faults.toxiproxy;
}

/** The cell's faults, measured: per window, second by second, and what the client saw fail but the system kept. */
async function faultsResult(opts: CellOptions, spans: FaultSpan[], driver: DriverResult, edges: EdgeResult[]): Promise<FaultsResult> {
  const requests = driver.requests ?? [];
  const failed = driver.failedCheckouts ?? [];
  return {
    windows: faultWindows(requests, spans, opts.scenario.durationS),
    timeline: timeline(requests, opts.scenario.durationS),
    clientRetries: driver.clientRetries ?? 0,
    serviceRetries: edges.reduce((n, e) => n + (e.retries ?? 0), 0),
    retriesRefused: edges.reduce((n, e) => n + (e.retriesRefused ?? 0), 0),
    failedCheckouts: failed.length,
    failedButPlaced: await placedOrders(opts.db.urls, failed),
    ...(opts.faults?.proxy && needsLinks(opts.scenario.faults) && { proxy: opts.faults.proxy }),
  };
}

/** The wiring's maximum throughput under the scenario's mix, closed model (autocannon). */
export async function runSaturationCell(opts: CellOptions & { connections: number; warmupS: number; durationS: number }): Promise<SaturationRow> {
  const { result, invariants, start } = await withWiring(opts, async (wiring) => {
    const window = await measureWindow(wiring, opts.db);
    const plan = { targetUrl: wiring.gatewayUrl, scenario: opts.scenario, runTag: opts.runTag, connections: opts.connections, warmupS: opts.warmupS, durationS: opts.durationS };
    const m = await runSaturationInChild(plan, (p) => {
      if (p.phase === 'measure') window.start();
      opts.onProgress(p);
    });
    return { m, ...(await window.end(m.ok + m.errors)) };
  });
  const { m } = result;
  return {
    wiring: opts.wiring, scenario: opts.scenario.name, connections: m.connections, durationS: m.durationS, maxRps: m.maxRps,
    latencyMs: m.latencyMs, errors: m.errors, errorKinds: m.errorKinds, droppedOrTimedOutShare: m.droppedOrTimedOutShare, lowerBound: m.lowerBound,
    cost: result.cost, start, invariants,
    events: await eventLatency(opts.db.urls, result.eventWindow),
  };
}

/** Open-loop latency at each rate in turn, on one started wiring (ascending rates: the knee shows without a restart per point). */
export async function runSweepCell(opts: CellOptions & { drive: DriveFn; points: { fraction: number; rateRps: number }[] }): Promise<SweepPoint[]> {
  const { result, invariants, start } = await withWiring(opts, async (wiring) => {
    const points: (Omit<SweepPoint, 'invariants' | 'start' | 'events'> & { eventWindow: { from: number; to: number; backlog: number } })[] = [];
    for (const [i, { fraction, rateRps }] of opts.points.entries()) {
      const scenario: Scenario = { ...opts.scenario, arrival: { model: 'constant', rateRps } };
      opts.onPhase(`${Math.round(fraction * 100)} % (${rateRps} req/s)`);
      let position = outboxPosition(opts.db.urls);
      let measuring = false;
      const d = await opts.drive(wiring.gatewayUrl, scenario, `${opts.runTag}-${i}`, (p) => {
        if (p.phase === 'measure' && !measuring) { measuring = true; position = outboxPosition(opts.db.urls); }
        opts.onProgress(p);
      });
      const from = await position;
      const all = d.workflows.find((w) => w.workflow === 'all')!;
      points.push({
        wiring: opts.wiring, scenario: opts.scenario.name, fraction, offeredRps: d.offeredRps, achievedRps: d.achievedRps,
        latencyMs: all.latencyMs, errors: Object.values(all.errors).reduce((a, b) => a + b, 0), dropped: d.dropped, late: d.late,
        eventWindow: { from, ...(await windowEnd(opts.db.urls, from)) },
        lowerBound: isLowerBound(all),
      });
    }
    return points;
  });
  const out: SweepPoint[] = [];
  for (const { eventWindow, ...p } of result) out.push({ ...p, start, invariants, events: await eventLatency(opts.db.urls, eventWindow) });
  return out;
}

async function withWiring<T>(opts: CellOptions & { route?: WiringOptions['route'] }, measure: (wiring: RunningWiring) => Promise<T>): Promise<{ result: T; invariants: InvariantReport; wiring: RunningWiring; start: CellStart }> {
  opts.onPhase('fresh databases');
  const start = await opts.fresh.reset();
  opts.onPhase('start');
  const wiring = await startWiring({ wiring: opts.wiring, dbUrls: opts.db.urls, injectDelay: opts.injectDelay, route: opts.route });
  opts.onStop(wiring.stop);
  try {
    const result = await Promise.race([measure(wiring), wiring.died.then((why) => { throw new Error(why); })]);
    opts.onPhase('invariants');
    return { result, invariants: await checkInvariants(opts.db.urls, SERVICES), wiring, start };
  } finally {
    await wiring.stop();
  }
}

/**
 * Per-hop timing and CPU counted over the measured phase only, like the driver's latencies: start()
 * (at the end of the warm-up) zeroes the processes' statistics; end() reads them. A driver that never
 * reports its measured phase gets the whole drive counted.
 */
async function measureWindow(wiring: RunningWiring, db: Databases) {
  const snapshot = async () => ({ stats: await wiring.stats(), dbCpuS: processTreeCpuS(db.serverPid) });
  let from = snapshot();
  let position = outboxPosition(db.urls);
  let started = false;
  return {
    start() {
      if (started) return;
      started = true;
      from = wiring.resetStats().then(snapshot);
      position = outboxPosition(db.urls);
    },
    async end(requests: number): Promise<{ cost: CostResult; edges: EdgeResult[]; tail: TailSample | undefined; eventWindow: { from: number; to: number; backlog: number } }> {
      const before = await from;
      const eventWindow = { from: await position, ...(await windowEnd(db.urls, await position)) };
      const after = await snapshot();
      const dbCpuS = before.dbCpuS !== undefined && after.dbCpuS !== undefined ? after.dbCpuS - before.dbCpuS : undefined;
      return {
        cost: cost(before.stats, after.stats, requests, dbCpuS),
        edges: after.stats.flatMap((p) => p.edges).map((e) => ({
          from: e.from, to: e.to, transport: e.transport, calls: e.calls, errors: e.errors, retries: e.retries, retriesRefused: e.retriesRefused,
          rttUs: { p50: e.rttUs.p50, p99: e.rttUs.p99 }, handlerUs: { p50: e.handlerUs.p50, p99: e.handlerUs.p99 },
          overheadUs: { p50: e.overheadUs.p50, p99: e.overheadUs.p99 }, requestBytesMean: e.requestBytesMean, responseBytesMean: e.responseBytesMean,
          rttHistogram: e.rttHistogram,
        })),
        tail: checkoutTail(after.stats.flatMap((p) => p.edges)),
        eventWindow,
      };
    },
  };
}

const answered = (d: DriverResult) => d.workflows.find((w) => w.workflow === 'all')?.latencyMs.count ?? d.sent;
