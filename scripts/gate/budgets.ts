// Budgets from the scenario file, checked on the candidate alone: absolute ones (checkout p99 ≤ 200 ms)
// and relative ones (services/grpc checkout p99 ≤ 4 × the monolith's p99 in the same run).
import type { BudgetCheck, BudgetVerdict } from '../../results/gate.js';
import { RELATIVE_SLOS, type Slo } from '../../scenarios/scenario.js';
import type { GateInputs } from './inputs.js';
import { rng, seedOf } from './random.js';
import { level, quantileOf, ratioOf, type TrialMeasure } from './stats.js';
import { anyLowerBound, pairByTrial, tooFewSamples } from './trials.js';

/** A budget before its decision: what the candidate measured against it. */
export interface PlannedBudget extends Pick<BudgetCheck, 'wiring' | 'workflow' | 'budget' | 'limit' | 'unit' | 'lowerBound'> {
  /** Medians over trials, judged with an interval (percentiles); absent for counted ones (error rate). */
  measures?: TrialMeasure[];
  /** Failed sends (error answers, timeouts, connection failures, dropped sends) ÷ every send, over every trial. */
  share?: number;
  lacking?: string;
}

const PERCENTILE = { p99Ms: 0.99, p50Ms: 0.5, p99TimesMonolith: 0.99, p50TimesMonolith: 0.5 } as const;

export function planBudgets(inputs: GateInputs): PlannedBudget[] {
  const { trials } = inputs.candidate;
  const planned: PlannedBudget[] = [];
  for (const [workflow, slo] of Object.entries(inputs.candidate.scenario.slo) as [string, Slo][]) {
    for (const [wiring, byWorkflow] of trials) {
      const t = byWorkflow.get(workflow) ?? [];
      for (const key of ['p99Ms', 'p50Ms'] as const) {
        const limit = slo[key];
        if (limit === undefined) continue;
        planned.push({ wiring, workflow, budget: `${key} ≤ ${limit}`, limit, unit: 'ms', measures: t.map((x) => quantileOf(x.latencyMs, PERCENTILE[key])), lacking: tooFewSamples(t, PERCENTILE[key]), lowerBound: anyLowerBound(t) });
      }
      if (slo.errorRate !== undefined) {
        const errors = t.reduce((a, x) => a + x.errors, 0);
        const answers = t.reduce((a, x) => a + x.errors + x.ok, 0);
        planned.push({ wiring, workflow, budget: `errorRate ≤ ${slo.errorRate}`, limit: slo.errorRate, unit: 'share', share: errors / answers, lacking: answers ? undefined : 'no requests' });
      }
    }
    for (const key of RELATIVE_SLOS) {
      for (const [wiring, limit] of Object.entries(slo[key] ?? {})) {
        const w = trials.get(wiring)?.get(workflow) ?? [];
        const m = trials.get('monolith')?.get(workflow) ?? [];
        const pairs = pairByTrial(w, m);
        const p = PERCENTILE[key];
        planned.push({
          wiring, workflow, budget: `${key} ≤ ${limit}`, limit, unit: '×',
          measures: pairs.map(([x, y]) => ratioOf(quantileOf(x.latencyMs, p), quantileOf(y.latencyMs, p))),
          lacking: !w.length ? `the candidate did not run ${wiring}` : !m.length ? 'the candidate did not run the monolith' : tooFewSamples(pairs.flat(), p),
          lowerBound: anyLowerBound(w),
        });
      }
    }
  }
  return planned;
}

/** `tail`: the share of resampled values left outside the interval on each side. */
export function decideBudget(b: PlannedBudget, tail: number): BudgetCheck {
  const head = { wiring: b.wiring, workflow: b.workflow, budget: b.budget, limit: b.limit, unit: b.unit };
  if (b.lacking) return { ...head, value: null, verdict: 'not measured', note: b.lacking };
  if (b.share !== undefined) return { ...head, value: { value: b.share, low: b.share, high: b.share }, verdict: b.share > b.limit ? 'missed' : 'met' };
  const value = level(b.measures!, tail, rng(seedOf(`${b.wiring} ${b.workflow} ${b.budget}`)));
  const verdict: BudgetVerdict = value.low > b.limit ? 'missed' : value.high <= b.limit ? 'met' : 'borderline';
  // "At least x" under the limit does not show the budget met; past it, it is missed all the more.
  if (b.lowerBound && verdict !== 'missed') {
    return { ...head, value, lowerBound: true, verdict: 'borderline', note: 'a lower bound (> 1 % of sends dropped or timed out): cannot be shown to meet the budget' };
  }
  return { ...head, value, verdict, ...(b.lowerBound && { lowerBound: true }) };
}
