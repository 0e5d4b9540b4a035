// What the gate reads from a run: per wiring and workflow, one entry per trial, with the trial's
// latency samples decoded from its HdrHistogram.
import * as hdr from 'hdr-histogram-js';
import { decode } from '../../results/histogram.js';
import { isLowerBound } from '../../results/lower-bound.js';
import type { RunResult } from '../../results/run.js';
import { empirical, type Empirical } from './stats.js';

export interface Trial {
  trial: number;
  /** Latency in ms (coordinated-omission corrected), every answer of the measured window. */
  latencyMs: Empirical;
  /** Successful answers per second of the measured window. */
  okPerS: number;
  ok: number;
  /** Every failed send: error answers, timeouts, connection failures and dropped sends. */
  errors: number;
  /** Over 1 % of this trial's sends dropped or timed out: its percentiles are lower bounds. */
  lowerBound: boolean;
}

/** wiring → workflow (or "all") → trials, in trial order. */
export type RunTrials = Map<string, Map<string, Trial[]>>;

/** Throws naming the cell and workflow whose histogram does not decode. */
export function trialsOf(run: RunResult): RunTrials {
  const byWiring: RunTrials = new Map();
  run.cells.forEach((cell, i) => {
    const byWorkflow = byWiring.get(cell.wiring) ?? byWiring.set(cell.wiring, new Map()).get(cell.wiring)!;
    cell.driver.workflows.forEach((w, j) => {
      const trials = byWorkflow.get(w.workflow) ?? byWorkflow.set(w.workflow, []).get(w.workflow)!;
      trials.push({
        trial: cell.trial,
        latencyMs: decodeLatency(w.histogram, `cells[${i}].driver.workflows[${j}].histogram`),
        okPerS: w.ok / cell.driver.durationS,
        ok: w.ok,
        errors: Object.values(w.errors).reduce((a, b) => a + b, 0),
        lowerBound: isLowerBound(w),
      });
    });
  });
  for (const byWorkflow of byWiring.values()) for (const trials of byWorkflow.values()) trials.sort((a, b) => a.trial - b.trial);
  return byWiring;
}

/** Why the trials cannot give a p-quantile, if they cannot: a p99 of 99 samples would be their maximum. */
export function tooFewSamples(trials: Trial[], p: number): string | undefined {
  if (!trials.length) return 'no trials';
  const needed = Math.ceil(1 / (1 - p));
  const fewest = Math.min(...trials.map((t) => t.latencyMs.count));
  return fewest < needed ? `a trial has ${fewest} sample(s); p${p * 100} needs ≥ ${needed} per trial` : undefined;
}

/** A median over trials is a lower bound once any one of them is: that trial's true value may rank higher. */
export const anyLowerBound = (trials: Trial[]): boolean => trials.some((t) => t.lowerBound);

/** Trial t of a wiring with trial t of the monolith: interleaved, they ran minutes apart at most. */
export function pairByTrial(wiring: Trial[], monolith: Trial[]): [Trial, Trial][] {
  return wiring.flatMap((w) => {
    const m = monolith.find((x) => x.trial === w.trial);
    return m ? [[w, m] as [Trial, Trial]] : [];
  });
}

/** An encoded µs histogram as ms samples; throws naming `at` when it does not decode. */
export function decodeLatency(base64: string, at: string): Empirical {
  let pairs: [number, number][];
  try {
    const h = decode(base64);
    // Decoding without WebAssembly always yields a JsHistogram, the kind that exposes its counts.
    if (!(h instanceof hdr.JsHistogram)) throw new Error('decoded into a histogram that cannot list its values');
    // Walking the counts directly: the library's recorded-values iterator is ~100× slower.
    pairs = [];
    for (let i = 0; i < h.countsArrayLength; i++) {
      const n = h.getCountAtIndex(i);
      if (n > 0) pairs.push([h.highestEquivalentValue(h.valueFromIndex(i)) / 1000, n]);
    }
  } catch (e) {
    throw new Error(`${at}: not a compressed base64 HdrHistogram (${(e as Error).message})`);
  }
  return empirical(pairs);
}
