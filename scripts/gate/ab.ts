// The gate of a same-job A/B: the same comparisons as between two stored runs, but paired — trial i
// of the candidate divided by its ABBA partner, trial i of the base, both measured within seconds of
// each other on the same database server. What the machine did during the pair cancels in the ratio,
// so no allowance for drift between runs is added; the interval resamples the pairs (and, within
// each, both trials' samples), and the change is the median of the per-pair ratios.
import { median } from '../bench/median.js';
import type { RunResult } from '../bench/results.js';
import { planComparisons, type PlannedComparison } from './compare.js';
import { gateRun, pairRuns, type GateInputs } from './inputs.js';
import { fixed, ratioOf } from './stats.js';
import { runGate, type GateResult, type GateSettings } from './verdict.js';

export function pairedComparisons(inputs: GateInputs): PlannedComparison[] {
  return planComparisons(inputs).map((p) => {
    if (p.lacking) return p;
    if (p.baseline.length !== p.candidate.length) {
      return { ...p, lacking: `${p.baseline.length} base trial(s) but ${p.candidate.length} candidate trial(s): not every trial has its partner` };
    }
    if (p.baseline.some((b) => !(b.value > 0))) return { ...p, lacking: 'a base trial measured 0: no ratio to its partner' };
    // A baseline of exact ones makes the shared bootstrap's "candidate ÷ baseline" the median of the pairs' ratios.
    return { ...p, gated: true, sameRunRatio: true, baseline: p.baseline.map(() => fixed(1)), candidate: p.candidate.map((c, i) => ratioOf(c, p.baseline[i])) };
  });
}

export interface AbGateInput { base: RunResult; candidate: RunResult; baseSha: string; candidateSha: string; candidateDirty: boolean; pairs: number; outDir: string }

export function runAbGate(ab: AbGateInput, settings: GateSettings): GateResult {
  const inputs = pairRuns(gateRun(`${ab.outDir}/base`, ab.base), gateRun(`${ab.outDir}/candidate`, ab.candidate));
  const planned = planComparisons(inputs);
  const result = runGate(inputs, { ...settings, runDrift: 0 }, pairedComparisons);
  // The decision ran on ratios; the table still shows each side's own median over trials.
  const comparisons = result.comparisons.map((c, i) => {
    const p = planned[i];
    return c.ratio ? { ...c, baseline: median(p.baseline.map((m) => m.value)) ?? null, candidate: median(p.candidate.map((m) => m.value)) ?? null } : c;
  });
  return {
    ...result,
    comparisons,
    ab: { baseSha: ab.baseSha, candidateSha: ab.candidateSha, candidateDirty: ab.candidateDirty, pairs: ab.pairs, order: 'ABBA' },
    method: `Same-job A/B: base and candidate trials of each wiring in ABBA order, one database server, the candidate's scenario on both sides, freshly reset databases per trial; ` +
      `every comparison is the median over pairs of candidate trial ÷ its partner base trial, so no allowance for drift between runs is added. ${result.method}`,
  };
}
