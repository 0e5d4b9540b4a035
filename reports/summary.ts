// The run reduced to what the report compares: per wiring × workflow latency (pooled over the run's
// trials) and per wiring cost (the median over trials), each against the monolith with its interval
// (results/run-ratios.ts derives them).
import type { Cell, RunResult } from '../results/run.js';
import { isLowerBound } from '../results/lower-bound.js';
import type { RatioInterval } from '../results/ratio-interval.js';
import { cellRatio, pooledLatency, type Percentile } from '../results/run-ratios.js';
import { median } from './format.js';

export const BASELINE = 'monolith';

export interface LatencyRow {
  workflow: string;
  wiring: string;
  trials: number;
  /** Over every answer of every trial (the trials' histograms merged). */
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  /** Each percentile ÷ the monolith's, with its interval (absent for the monolith, or without one). */
  vsBaseline?: Record<Percentile, RatioInterval>;
  /** Requests that succeeded and that failed (error status, timeout, connection), summed over trials. */
  ok: number;
  errors: number;
  /** A trial lost over 1 % of its sends to drops or timeouts: the percentiles are lower bounds. */
  lowerBound: boolean;
}

export interface WiringCost {
  wiring: string;
  trials: number;
  processes: number;
  /** Open-model figures: undefined for a wiring measured only at saturation. */
  offeredRps: number | undefined;
  achievedRps: number | undefined;
  cpuSPer1kRequests: number | undefined;
  dbCpuSPer1kRequests: number | undefined;
  rssPeakMbSum: number | undefined;
  /** The cells' bill at run.config.prices (undefined: runs before the bill, or no order placed). */
  usdPerMillionOrders: number | undefined;
  /** Closed-model maximum throughput, when the run looked for it. */
  maxRps: number | undefined;
  invariantsOk: boolean;
  /** Per-cell measures ÷ the monolith's, with their intervals (absent for the monolith, or without one). */
  vsBaseline?: { cpuSPer1kRequests?: RatioInterval; rssPeakMbSum?: RatioInterval; usdPerMillionOrders?: RatioInterval };
}

/** Wirings in the order the run listed them, the baseline first. */
export function wiringsOf(run: RunResult): string[] {
  const measured = new Set([...run.cells.map((c) => c.wiring), ...(run.saturation ?? []).map((s) => s.wiring), ...(run.sweep ?? []).map((s) => s.wiring)]);
  const ordered = [...new Set([...run.config.wirings, ...measured])].filter((w) => measured.has(w));
  return [...ordered.filter((w) => w === BASELINE), ...ordered.filter((w) => w !== BASELINE)];
}

/** Workflows in the order of the design; "all" only when there is more than one workflow to sum up. */
export function workflowsOf(run: RunResult): string[] {
  const order = ['checkout', 'browse', 'search', 'history', 'return'];
  const names = [...new Set(run.cells.flatMap((c) => c.driver.workflows.map((w) => w.workflow)))];
  const own = names.filter((n) => n !== 'all').sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  return own.length > 1 && names.includes('all') ? [...own, 'all'] : own.length ? own : names;
}

const rank = (order: string[], x: string) => (order.includes(x) ? order.indexOf(x) : order.length);

export function cellsOf(run: RunResult, wiring: string): Cell[] {
  return run.cells.filter((c) => c.wiring === wiring);
}

export function latencyRows(run: RunResult): LatencyRow[] {
  const pooled = pooledLatency(run, BASELINE);
  return workflowsOf(run).flatMap((workflow) => wiringsOf(run).flatMap((wiring) => {
    const results = cellsOf(run, wiring).flatMap((c) => c.driver.workflows.filter((w) => w.workflow === workflow));
    const p = pooled.find((x) => x.wiring === wiring && x.workflow === workflow);
    if (results.length === 0 || !p) return [];
    return [{
      workflow, wiring, trials: results.length,
      p50Ms: p.ms.p50, p99Ms: p.ms.p99, p999Ms: p.ms.p999, ...(p.vsBaseline && { vsBaseline: p.vsBaseline }),
      ok: results.reduce((t, r) => t + r.ok, 0),
      errors: results.reduce((t, r) => t + Object.values(r.errors).reduce((a, b) => a + b, 0), 0),
      lowerBound: results.some(isLowerBound),
    }];
  }));
}

export function wiringCosts(run: RunResult): WiringCost[] {
  return wiringsOf(run).flatMap((wiring) => {
    const cells = cellsOf(run, wiring);
    const saturation = (run.saturation ?? []).find((s) => s.wiring === wiring);
    if (cells.length === 0 && !saturation) return [];
    const med = (pick: (c: Cell) => number) => median(cells.map(pick));
    const dbCpu = cells.map((c) => c.cost.dbCpuSPer1kRequests).filter((x): x is number => typeof x === 'number');
    const usd = cells.map((c) => c.bill?.usdPerMillionOrders).filter((x): x is number => typeof x === 'number');
    const vs = (pick: (c: Cell) => number | null | undefined) => cellRatio(run, BASELINE, wiring, (c) => pick(c) ?? undefined);
    const vsBaseline = { cpuSPer1kRequests: vs((c) => c.cost.cpuSPer1kRequests), rssPeakMbSum: vs((c) => c.cost.rssPeakMbSum), usdPerMillionOrders: vs((c) => c.bill?.usdPerMillionOrders) };
    return [{
      wiring, trials: cells.length,
      processes: cells[0]?.processes ?? saturation!.cost.processes,
      offeredRps: med((c) => c.driver.offeredRps),
      achievedRps: med((c) => c.driver.achievedRps),
      cpuSPer1kRequests: med((c) => c.cost.cpuSPer1kRequests),
      dbCpuSPer1kRequests: median(dbCpu),
      rssPeakMbSum: med((c) => c.cost.rssPeakMbSum),
      usdPerMillionOrders: median(usd),
      maxRps: saturation?.maxRps,
      invariantsOk: cells.every((c) => c.invariants.ok),
      ...(cells.length && wiring !== BASELINE && { vsBaseline }),
    }];
  });
}

/** The driver could not keep the offered rate: latency then includes the driver's own queue. */
export const keptRate = (c: { offeredRps?: number; achievedRps?: number }) =>
  c.offeredRps === undefined || c.achievedRps === undefined || c.achievedRps >= 0.95 * c.offeredRps;

/** "constant 100 req/s" or "ramp 20→1,200 req/s": how the load arrived. */
export function describeArrival(run: RunResult): string {
  const a = run.config.scenario.arrival;
  // The run-file reader checks only the scenario's name; an arrival it does not know is said so.
  if (!a) return 'an arrival model the run does not record';
  if (a.model === 'constant') return `a constant ${a.rateRps.toLocaleString('en-US')} req/s`;
  if (a.model === 'ramp') return `a ramp ${[a.startRps, ...a.stages.map((s) => s.targetRps)].map((r) => r.toLocaleString('en-US')).join('→')} req/s`;
  return `a closed loop of ${a.concurrency} requests in flight`;
}
