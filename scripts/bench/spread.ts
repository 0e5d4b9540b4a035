// Trial-to-trial spread of a run's latencies: per wiring × workflow, every trial's p50 and p99 and the
// standard deviation of their natural logarithms (log-sd 0.1 ≈ trials ±10 % around their geometric
// mean). The measure of how equal the cells' starts are, and of what a gate on this machine can see.
import type { RunResult } from '../../results/run.js';

export interface TrialPercentiles { run: string; trial: number; p50Ms: number; p99Ms: number; samples: number; }
export interface Spread {
  wiring: string;
  workflow: string;
  trials: TrialPercentiles[];
  /** Sample standard deviation (n − 1) of ln p50 over the trials; null with fewer than two trials with a positive value. */
  logSdP50: number | null;
  logSdP99: number | null;
}

/** Trials of every run given, pooled per wiring × workflow, in the order the runs and their cells come. */
export function spreadOf(runs: RunResult[]): Spread[] {
  const rows = new Map<string, Spread>();
  for (const run of runs) {
    for (const cell of run.cells) {
      for (const w of cell.driver.workflows) {
        if (w.latencyMs.count === 0) continue;
        const key = `${cell.wiring}\u0000${w.workflow}`;
        const row = rows.get(key) ?? rows.set(key, { wiring: cell.wiring, workflow: w.workflow, trials: [], logSdP50: null, logSdP99: null }).get(key)!;
        row.trials.push({ run: run.runId, trial: cell.trial, p50Ms: w.latencyMs.p50, p99Ms: w.latencyMs.p99, samples: w.latencyMs.count });
      }
    }
  }
  return [...rows.values()].map((r) => ({ ...r, logSdP50: logSd(r.trials.map((t) => t.p50Ms)), logSdP99: logSd(r.trials.map((t) => t.p99Ms)) }));
}

/** Standard deviation of ln x over the positive values (a zero percentile has no logarithm). */
export function logSd(values: number[]): number | null {
  const logs = values.filter((v) => v > 0).map(Math.log);
  if (logs.length < 2) return null;
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  return Math.sqrt(logs.reduce((a, x) => a + (x - mean) ** 2, 0) / (logs.length - 1));
}
