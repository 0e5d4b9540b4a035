// What the A/B page draws for one wiring × workflow: each side's percentile spectrum, every pair's
// candidate ÷ base ratio, and the gate's interval for that ratio. Read from the two runs and gate.json.
import type { RunResult } from '../results/run.js';
import type { GateResult } from '../results/gate.js';
import { quantile, type RunTrials } from '../results/trials.js';
import { encodedHistograms, pooledSpectrum, type SpectrumPoint } from './spectrum.js';

export const AB_SIDES = ['base', 'candidate'] as const;
export type AbSide = (typeof AB_SIDES)[number];

export type AbSpectrumPoint = Omit<SpectrumPoint, 'wiring'> & { side: AbSide };

/** One line per side, its trials pooled: the shape of the whole distribution, which the per-pair medians summarise. */
export function abSpectrum(runs: Record<AbSide, RunResult>, wiring: string, workflow: string): AbSpectrumPoint[] {
  return AB_SIDES.flatMap((side) => pooledSpectrum(encodedHistograms(runs[side], wiring, workflow)).map((p) => ({ side, ...p })));
}

export interface PairPoint { pair: number; metric: 'p50' | 'p99'; ratio: number; baseMs: number; candidateMs: number; }

/** Trial i of the candidate ÷ trial i of the base (its ABBA partner), at each trial's own p50 and p99. */
export function pairPoints(trials: Record<AbSide, RunTrials>, wiring: string, workflow: string): PairPoint[] {
  const base = trials.base.get(wiring)?.get(workflow) ?? [];
  const candidate = trials.candidate.get(wiring)?.get(workflow) ?? [];
  return candidate.flatMap((c) => {
    const b = base.find((t) => t.trial === c.trial);
    if (!b || !b.latencyMs.count || !c.latencyMs.count) return [];
    return ([['p50', 0.5], ['p99', 0.99]] as const).flatMap(([metric, p]) => {
      const baseMs = quantile(b.latencyMs, p);
      const candidateMs = quantile(c.latencyMs, p);
      // A zero on either side has no ratio to draw on a log axis.
      return baseMs > 0 && candidateMs > 0 ? [{ pair: c.trial, metric, ratio: candidateMs / baseMs, baseMs, candidateMs }] : [];
    });
  });
}

export interface GateBand { metric: 'p50' | 'p99'; value: number; low: number; high: number; verdict: string; }

/** The gate's decided p50 and p99 of a wiring × workflow; a check without an interval (too few samples) has no band. */
export function gateBands(gate: GateResult, wiring: string, workflow: string): GateBand[] {
  return gate.comparisons.flatMap((c) => (!c.edge && c.wiring === wiring && c.workflow === workflow && (c.metric === 'p50' || c.metric === 'p99') && c.ratio
    ? [{ metric: c.metric, ...c.ratio, verdict: c.verdict }] : []));
}

/** The wiring × workflow pairs the gate compared, in its order. */
export function subjectsOf(gate: GateResult): { wiring: string; workflow: string }[] {
  const seen = new Map<string, { wiring: string; workflow: string }>();
  for (const c of gate.comparisons) if (!c.edge) seen.set(`${c.wiring}\u0000${c.workflow}`, { wiring: c.wiring, workflow: c.workflow });
  return [...seen.values()];
}
