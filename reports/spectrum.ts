// Percentile spectrum (HdrHistogram style): latency at each percentile, the percentile on a "nines"
// axis (0 = p0, 1 = p90, 2 = p99, 3 = p99.9 …), from the run's encoded end-to-end histograms.
import type { RunResult } from '../results/run.js';
import { decode, usHistogram } from '../results/histogram.js';
import { wiringsOf } from './summary.js';

export interface SpectrumPoint {
  wiring: string;
  /** −log10(1 − q): 2 means p99. */
  nines: number;
  /** "p99.9" */
  percentile: string;
  latencyMs: number;
  /** Requests in the histogram (all trials pooled). */
  requests: number;
}

const STEP_NINES = 0.05;

/** One line per wiring for one workflow; every trial's requests pooled into one histogram. */
export function spectrum(run: RunResult, workflow: string): SpectrumPoint[] {
  return wiringsOf(run).flatMap((wiring) => pooledSpectrum(encodedHistograms(run, wiring, workflow)).map((p) => ({ wiring, ...p })));
}

/** A wiring × workflow's encoded histograms, one per trial, each with where it sits in run.json (for errors). */
export function encodedHistograms(run: RunResult, wiring: string, workflow: string): { at: string; histogram: string }[] {
  // k6 summaries carry no histogram (empty string): nothing to draw for them.
  return run.cells.flatMap((c, i) => (c.wiring !== wiring ? [] : c.driver.workflows.flatMap((w, j) =>
    (w.workflow === workflow && w.histogram ? [{ at: `cells[${i}].driver.workflows[${j}].histogram`, histogram: w.histogram }] : []))));
}

/** One line from the given histograms pooled; none (or no requests in them): no points. */
export function pooledSpectrum(encoded: { at: string; histogram: string }[]): Omit<SpectrumPoint, 'wiring'>[] {
  if (encoded.length === 0) return [];
  const pooled = usHistogram();
  for (const { at, histogram } of encoded) pooled.add(decodeAt(histogram, at));
  const requests = pooled.totalCount;
  if (requests === 0) return [];
  // Beyond log10(requests) nines every percentile is the maximum: there are no more samples to tell.
  const top = Math.log10(requests);
  const points: Omit<SpectrumPoint, 'wiring'>[] = [];
  for (let nines = 0; nines < top; nines = round(nines + STEP_NINES)) {
    const q = 100 * (1 - 10 ** -nines);
    points.push({ nines, percentile: label(q), latencyMs: pooled.getValueAtPercentile(q) / 1000, requests });
  }
  points.push({ nines: round(top), percentile: 'max', latencyMs: pooled.getValueAtPercentile(100) / 1000, requests });
  return points;
}

function decodeAt(histogram: string, at: string) {
  try {
    return decode(histogram);
  } catch (e) {
    throw new Error(`${at}: not an encoded HdrHistogram (${(e as Error).message})`);
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const label = (q: number) => `p${Number(q.toFixed(4))}`;
