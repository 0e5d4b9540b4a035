// The whole decision: plan every comparison and budget, share the false-alarm budget among those
// that can fail the gate (Bonferroni), decide each, and say whether the candidate passes.
import { describeBreakage } from '../../targets/db/invariant-report.js';
import { GATE_SCHEMA_VERSION, signedPercent, type BudgetCheck, type Comparison, type GateResult, type GateSettings, type RunRef } from '../../results/gate.js';
import type { RunResult } from '../../results/run.js';
import { decideBudget, planBudgets } from './budgets.js';
import { decideComparison, planComparisons, type PlannedComparison } from './compare.js';
import { MIN_EDGE_CALLS, planEdgeComparisons } from './edges.js';
import type { GateInputs, GateRun } from './inputs.js';
import { anyLowerBound } from './trials.js';

export interface GateMode {
  /** Turns the planned comparisons, workflows' and edges', into paired ones (a same-job A/B: ab.ts). */
  pair?: (planned: PlannedComparison[]) => PlannedComparison[];
  /**
   * Same-job A/B: a budget the base misses as well is reported, not failed — on this machine the base
   * cannot meet it either, so it says nothing about the change under review.
   */
  budgetsAgainstBase?: boolean;
}

export function runGate(inputs: GateInputs, settings: GateSettings, mode: GateMode = {}): GateResult {
  const pair = mode.pair ?? ((planned: PlannedComparison[]) => planned);
  // Edges share the family-wise budget with the workflows: "unchanged code fails at most 1 − confidence of the time" holds for the gate as a whole.
  const comparisons = pair([...planComparisons(inputs), ...planEdgeComparisons(inputs)]);
  const budgets = planBudgets(inputs);
  const gatedChecks = comparisons.filter((c) => c.gated && !c.lacking).length + budgets.filter((b) => b.measures && !b.lacking).length;
  // One-sided: a false "regressed" or "missed" needs the interval's far side past the line.
  const tail = (1 - settings.confidence) / Math.max(1, gatedChecks) / (settings.looks ?? 1);
  const decided = comparisons.map((c) => decideComparison(c, { ...settings, tail }));
  const baseMissed = new Set(mode.budgetsAgainstBase
    ? planBudgets({ ...inputs, candidate: inputs.baseline }).map((b) => decideBudget(b, tail)).filter((b) => b.verdict === 'missed').map(budgetKey)
    : []);
  const checked = budgets.map((b) => decideBudget(b, tail)).map((b) =>
    b.verdict === 'missed' && baseMissed.has(budgetKey(b)) ? { ...b, preexisting: true, note: [b.note, 'the base misses it too: reported, not failed'].filter(Boolean).join('; ') } : b);
  const broken = inputs.candidate.run.cells.filter((c) => !c.invariants.ok).map((c) => `${c.wiring} trial ${c.trial} (${describeBreakage(c.invariants)})`);

  // The edges first: they name the hop to blame.
  const regressed = decided.filter((c) => c.gated && c.verdict === 'regressed').sort((a, b) => Number(!!b.edge) - Number(!!a.edge));
  const missed = checked.filter((b) => b.verdict === 'missed' && !b.preexisting);
  const preexisting = checked.filter((b) => b.preexisting);
  const reasons = [
    regressed.length && `${regressed.length} regression(s): ${regressed.map(regressionText).join(', ')}`,
    missed.length && `${missed.length} budget(s) missed: ${missed.map((b) => `${b.wiring} ${b.workflow} ${b.budget}`).join(', ')}`,
    broken.length && `invariants broken in ${broken.join(', ')}`,
  ].filter(Boolean);
  const pass = reasons.length === 0;

  return {
    schemaVersion: GATE_SCHEMA_VERSION,
    pass,
    summary: pass ? `pass: no regression in ${gatedChecks} gated check(s)` : `fail: ${reasons.join('; ')}`,
    scenario: inputs.candidate.scenario.name,
    baseline: refOf(inputs.baseline),
    candidate: refOf(inputs.candidate),
    settings: { ...settings, gatedChecks, perCheckConfidence: 1 - 2 * tail },
    method: describeMethod(inputs, settings, tail),
    warnings: [
      ...inputs.warnings, ...lowerBoundWarnings(inputs),
      ...(preexisting.length ? [`budget(s) missed by the base as well, so not failed: ${preexisting.map((b) => `${b.wiring} ${b.workflow} ${b.budget}`).join(', ')}`] : []),
    ],
    comparisons: decided,
    budgets: checked,
    broken,
  };
}

/** "services/http checkout → warehouse: p99 +38 %" for an edge, "services/http checkout p99" for a workflow. */
export function regressionText(c: Comparison): string {
  return c.edge && c.ratio ? `${c.wiring} ${c.workflow}: ${c.metric} ${signedPercent(c.ratio.value)}` : `${c.wiring} ${c.workflow} ${c.metric}`;
}

/** Where a run's latency is only "at least": it lost more than 1 % of some trial's sends to drops or timeouts. */
function lowerBoundWarnings(inputs: GateInputs): string[] {
  return ([['baseline', inputs.baseline], ['candidate', inputs.candidate]] as const).flatMap(([side, g]) => {
    const where = [...g.trials].flatMap(([wiring, byWorkflow]) => [...byWorkflow].filter(([, t]) => anyLowerBound(t)).map(([workflow]) => `${wiring} ${workflow}`));
    return where.length ? [`${side}: over 1 % of a trial's sends dropped or timed out in ${where.join(', ')}: those percentiles are lower bounds (≥), counted as errors in errorRate`] : [];
  });
}

const budgetKey = (b: BudgetCheck) => `${b.wiring}\u0000${b.workflow}\u0000${b.budget}`;

function refOf({ file, run }: GateRun): RunRef {
  const e: RunResult['environment'] = run.environment;
  return {
    file, runId: run.runId, gitSha: e.gitSha, startedAt: e.startedAt, profile: run.config.profile,
    cpuModel: e.cpuModel, cores: e.cores, node: e.node, loadAverage: e.loadAverage, injectDelay: run.config.injectDelay,
  };
}

function describeMethod(inputs: GateInputs, s: GateSettings, tail: number): string {
  const pct = (x: number) => `${+(x * 100).toPrecision(3)} %`;
  return `Per wiring × workflow, the median over trials of each trial's p99, p50 and successful answers per second ` +
    `(and, per trial, a wiring's p99 ÷ the monolith's p99 of the same trial), candidate ÷ baseline. ` +
    `Per wiring × edge (caller → callee), the same for the p99 and p50 of the caller's round trip, the p99 where an edge has ≥ ${MIN_EDGE_CALLS.p99.toLocaleString('en')} calls in every trial of both runs, the p50 where it has ≥ ${MIN_EDGE_CALLS.p50}; ` +
    `edges share the false-alarm budget with the workflows (one Bonferroni family), so the promise below holds for the gate as a whole. ` +
    `Interval: percentile bootstrap resampling the trials and, within each, its samples (from its HdrHistogram), ` +
    `${pct(1 - 2 * tail)} per check so that all gated checks together raise a false alarm at most ${pct(1 - s.confidence)} of the time. ` +
    `Absolute comparisons (not the same-run ratios) are widened by a ${pct(s.runDrift)} spread between whole runs, which no interval inside one run can see. ` +
    `Regressed/improved: the interval excludes 1 and the change is at least ${pct(s.minEffect)}. ` +
    `${inputs.sameEnvironment ? 'Gated: every comparison and budget.' : 'Environments differ: absolute comparisons are shown, not gated; same-run ratios and budgets gate.'} ` +
    `Budgets (scenario slo) on the candidate alone: missed when the whole interval is past the limit. ` +
    `A dropped send (maxInFlight reached) is a failed request in errorRate; a trial with over 1 % of its sends dropped or timed out has lower-bound percentiles (≥): never "improved", and a latency budget on them is at best borderline.`;
}
