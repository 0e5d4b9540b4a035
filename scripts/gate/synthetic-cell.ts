// A measured cell made up for the gate's tests: one histogram stands for every workflow's latencies,
// everything else is fixed. Synthetic test data, never a measurement.
import { encode, latencyMs, type Histogram } from '../../results/histogram.js';
import type { Cell } from '../../results/run.js';
import type { Scenario } from '../../scenarios/scenario.js';

export function syntheticCell(wiring: string, trial: number, scenario: Scenario, h: Histogram): Cell {
  const latency = latencyMs(h);
  const workflow = (name: string) => ({ workflow: name, latencyMs: latency, serviceTimeMs: latency, histogram: encode(h), ok: latency.count, errors: {} });
  return {
    wiring, scenario: scenario.name, trial, processes: 1, startupMs: 0,
    settings: { poolMax: 10, httpConnections: 8, injectDelay: '', processes: 1 },
    driver: {
      driver: 'builtin', offeredRps: 20, achievedRps: latency.count / scenario.durationS, durationS: scenario.durationS, warmupS: scenario.warmupS,
      sent: latency.count, dropped: 0, late: 0, lateThresholdMs: 10, schedulingLagMs: latency, driverCpuS: 0,
      workflows: [workflow('all'), workflow('checkout')], warnings: [],
    },
    cost: { processes: 1, cpuSPer1kRequests: 1, dbCpuSPer1kRequests: null, rssPeakMbSum: 100 },
    edges: [], invariants: { ok: true, checks: [], orders: 0, events: 0 },
  };
}
