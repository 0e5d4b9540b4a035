// The gate of a same-job A/B: the same comparisons as between two stored runs, but paired — trial i
// of the candidate divided by its ABBA partner, trial i of the base, both measured within seconds of
// each other on the same database server. What the machine did during the pair cancels in the ratio,
// so no allowance for drift between runs is added. The interval of the pairs' ratios is the chosen
// statistic's (paired.ts: Student's t on their logs, the sign test, or the bootstrap of stats.ts).
import type { Comparison, GateResult, GateSettings } from '../../results/gate.js';
import { median } from '../../results/median.js';
import type { RunResult } from '../../results/run.js';
import { planComparisons, type PlannedComparison } from './compare.js';
import { planEdgeComparisons } from './edges.js';
import { describeStatistic } from './paired.js';
import { gateRun, pairRuns } from './inputs.js';
import { fixed, ratioOf } from './stats.js';
import { runGate } from './verdict.js';

export function pairedComparisons(planned: PlannedComparison[]): PlannedComparison[] {
  return planned.map((p) => {
    if (p.lacking) return p;
    if (p.baseline.length !== p.candidate.length) {
      return { ...p, lacking: `${p.baseline.length} base trial(s) but ${p.candidate.length} candidate trial(s): not every trial has its partner` };
    }
    if (p.baseline.some((b) => !(b.value > 0))) return { ...p, lacking: 'a base trial measured 0: no ratio to its partner' };
    // A baseline of exact ones makes the shared bootstrap's "candidate ÷ baseline" the median of the pairs' ratios.
    const candidate = p.candidate.map((c, i) => ratioOf(c, p.baseline[i]));
    // A handful of gated checks: each wiring's own p99 and p50 (and well-sampled edges). Paired, a wiring's
    // p99 ÷ the monolith's only repeats its p99, and at an open-model rate throughput is the driver's;
    // failed requests are the errorRate budget's. Both stay in the table, not in the Bonferroni family.
    return { ...p, gated: p.metric === 'p99' || p.metric === 'p50', sameRunRatio: true, baseline: p.baseline.map(() => fixed(1)), candidate, pairedRatios: candidate.map((c) => c.value) };
  });
}

export interface AbGateInput {
  base: RunResult; candidate: RunResult; baseSha: string; candidateSha: string; candidateDirty: boolean; pairs: number; outDir: string;
  /** A sequential run: the most pairs it could have run, and why it stopped. */
  maxPairs?: number; stopped?: string;
}

/**
 * Gated checks that neither show a regression nor rule one out: the interval reaches past
 * +minEffect (−minEffect for throughput) without excluding "no change", or the statistic cannot resolve
 * the per-check level with this few pairs (the sign test). More pairs narrow them.
 */
export function undecidedChecks(g: GateResult): Comparison[] {
  const line = 1 + g.settings.minEffect;
  return g.comparisons.filter((c) => c.gated && (c.verdict === 'too few samples' || (c.ratio && c.verdict === 'unchanged' && (c.metric === 'throughput' ? c.ratio.low < 1 / line : c.ratio.high > line))));
}

export function runAbGate(ab: AbGateInput, settings: GateSettings): GateResult {
  const inputs = pairRuns(gateRun(`${ab.outDir}/base`, ab.base), gateRun(`${ab.outDir}/candidate`, ab.candidate));
  const planned = [...planComparisons(inputs), ...planEdgeComparisons(inputs)];
  const result = runGate(inputs, { ...settings, runDrift: 0 }, { pair: pairedComparisons, budgetsAgainstBase: true });
  // The decision ran on ratios; the table still shows each side's own median over trials.
  const comparisons = result.comparisons.map((c, i) => {
    const p = planned[i];
    return c.ratio ? { ...c, baseline: median(p.baseline.map((m) => m.value)) ?? null, candidate: median(p.candidate.map((m) => m.value)) ?? null } : c;
  });
  return {
    ...result,
    comparisons,
    ab: { baseSha: ab.baseSha, candidateSha: ab.candidateSha, candidateDirty: ab.candidateDirty, pairs: ab.pairs, order: 'ABBA', ...(ab.maxPairs && { maxPairs: ab.maxPairs, stopped: ab.stopped }) },
    method: `Same-job A/B: base and candidate trials of each wiring in ABBA order, one database server, the candidate's scenario on both sides, freshly reset databases per trial; ` +
      `${describeStatistic(settings.statistic ?? 'bootstrap')}; what drifts between pairs cancels within each, so no allowance for drift between runs is added. ${result.method}`,
  };
}
