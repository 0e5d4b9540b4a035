// What the gate compares between the baseline and the candidate, per wiring × workflow, and how a
// comparison becomes a verdict: a change counts only when its interval excludes "no change" AND it is
// at least the minimum effect. Absolute values also carry the drift between whole runs, which no
// interval computed inside a run can see; same-run ratios cancel it.
import type { Comparison, Statistic, Verdict } from '../../results/gate.js';
import type { GateInputs } from './inputs.js';
import { rng, seedOf } from './random.js';
import { change, fixed, quantileOf, ratioOf, widened, type TrialMeasure } from './stats.js';
import type { Trial } from '../../results/trials.js';
import { anyLowerBound, pairByTrial, tooFewSamples } from './trials.js';
import { pairedInterval } from './paired.js';

/** A comparison before its decision: each side's per-trial measures. */
export interface PlannedComparison extends Pick<Comparison, 'wiring' | 'workflow' | 'edge' | 'metric' | 'unit' | 'gated' | 'lowerBound'> {
  /** Latency: higher is worse; throughput: lower is worse. */
  worse: 'higher' | 'lower';
  /** A ratio of two wirings measured in the same trial: what drifts between runs cancels. */
  sameRunRatio: boolean;
  baseline: TrialMeasure[];
  candidate: TrialMeasure[];
  /** Why no verdict is possible, when it is not. */
  lacking?: string;
  /** Same-job A/B: each pair's candidate ÷ base (ab.ts), for the paired statistics of paired.ts. */
  pairedRatios?: number[];
}

export function planComparisons(inputs: GateInputs): PlannedComparison[] {
  const { baseline, candidate, sameEnvironment } = inputs;
  const q = quantileMeasures();
  const planned: PlannedComparison[] = [];
  for (const wiring of inputs.wirings) {
    for (const workflow of inputs.workflows) {
      const b = baseline.trials.get(wiring)?.get(workflow) ?? [];
      const c = candidate.trials.get(wiring)?.get(workflow) ?? [];
      const base = { wiring, workflow, gated: sameEnvironment };
      for (const [metric, p] of [['p99', 0.99], ['p50', 0.5]] as const) {
        planned.push({
          ...base, metric, unit: 'ms', worse: 'higher', sameRunRatio: false,
          baseline: b.map((t) => q(t, p)), candidate: c.map((t) => q(t, p)),
          lacking: tooFewSamples([...b, ...c], p),
          lowerBound: { baseline: anyLowerBound(b), candidate: anyLowerBound(c) },
        });
      }
      planned.push({
        ...base, metric: 'throughput', unit: 'ok/s', worse: 'lower', sameRunRatio: false,
        baseline: b.map((t) => fixed(t.okPerS)), candidate: c.map((t) => fixed(t.okPerS)),
        lacking: b.length && b.every((t) => t.okPerS === 0) ? 'no successful answer in the baseline' : b.length && c.length ? undefined : 'no trials',
      });
      if (wiring === 'monolith') continue;
      const bm = baseline.trials.get('monolith')?.get(workflow);
      const cm = candidate.trials.get('monolith')?.get(workflow);
      if (!bm || !cm) continue;
      const bPairs = pairByTrial(b, bm);
      const cPairs = pairByTrial(c, cm);
      planned.push({
        ...base, metric: 'p99 ÷ monolith', unit: '×', worse: 'higher', gated: true, sameRunRatio: true,
        baseline: bPairs.map(([w, m]) => ratioOf(q(w, 0.99), q(m, 0.99))),
        candidate: cPairs.map(([w, m]) => ratioOf(q(w, 0.99), q(m, 0.99))),
        lacking: tooFewSamples([...bPairs.flat(), ...cPairs.flat()], 0.99) ?? (bPairs.length && cPairs.length ? undefined : 'no trial of this wiring has a monolith trial of the same number'),
        lowerBound: { baseline: anyLowerBound(b), candidate: anyLowerBound(c), monolith: anyLowerBound([...bm, ...cm]) },
      });
    }
  }
  return planned;
}

/** Each trial's quantile measured once: its resampling pool is the costly part, and relative comparisons reuse it. */
function quantileMeasures(): (t: Trial, p: number) => TrialMeasure {
  const cache = new Map<Trial, Map<number, TrialMeasure>>();
  return (t, p) => {
    const byP = cache.get(t) ?? cache.set(t, new Map()).get(t)!;
    return byP.get(p) ?? byP.set(p, quantileOf(t.latencyMs, p)).get(p)!;
  };
}

export interface DecisionRule {
  /** The share of resampled ratios left outside the interval on each side. */
  tail: number;
  /** Smallest change that counts (0.1 = 10 %). */
  minEffect: number;
  /** Log-normal spread of whole runs on one machine (0.03 ≈ 3 %). */
  runDrift: number;
  /** How paired ratios (a same-job A/B) get their interval; unpaired comparisons always bootstrap. */
  statistic?: Statistic;
}

export function decideComparison(p: PlannedComparison, rule: DecisionRule): Comparison {
  const head = { wiring: p.wiring, workflow: p.workflow, metric: p.metric, unit: p.unit, gated: p.gated && !p.lacking, ...(p.edge && { edge: true }), ...(p.lowerBound && { lowerBound: p.lowerBound }) };
  if (p.lacking) return { ...head, baseline: null, candidate: null, ratio: null, verdict: 'too few samples', note: p.lacking };
  const c = change(p.baseline, p.candidate, rule.tail, rng(seedOf(`${p.wiring} ${p.workflow} ${p.metric}`)));
  const paired = p.pairedRatios && rule.statistic && rule.statistic !== 'bootstrap' ? pairedInterval(p.pairedRatios, rule.tail, rule.statistic) : undefined;
  // Still a gated check: more pairs would resolve it (a sequential gate runs them: ab.ts undecidedChecks).
  if (paired && 'lacking' in paired) return { ...head, baseline: c.baseline, candidate: c.candidate, ratio: null, verdict: 'too few samples', note: paired.lacking };
  const ratio = paired ?? (p.sameRunRatio ? c.ratio : widened(c.ratio, rule.runDrift, rule.tail));
  const up = ratio.low > 1 && ratio.value >= 1 + rule.minEffect;
  const down = ratio.high < 1 && ratio.value <= 1 / (1 + rule.minEffect);
  let verdict: Verdict = !up && !down ? 'unchanged' : up === (p.worse === 'higher') ? 'regressed' : 'improved';
  const notes = [];
  // A candidate whose latency is only "at least" cannot be shown to have improved; its regression stands (the truth is worse still).
  if (p.lowerBound?.candidate && verdict === 'improved') { verdict = 'unchanged'; notes.push('candidate is a lower bound: no improvement can be claimed'); }
  else if (p.lowerBound?.candidate) notes.push('candidate is a lower bound');
  if (p.lowerBound?.baseline) notes.push('baseline is a lower bound');
  if (p.lowerBound?.monolith) notes.push('a monolith p99 is a lower bound');
  return { ...head, baseline: c.baseline, candidate: c.candidate, ratio, verdict, ...(notes.length && { note: `${notes.join('; ')} (> 1 % of sends dropped or timed out)` }) };
}
