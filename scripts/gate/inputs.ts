// The gate's inputs: two runs that can be compared, or an error naming the file and what is wrong —
// a gate must never pass because it could not read what it was given.
import { parseScenario, ScenarioError, type Scenario } from '../../scenarios/scenario.js';
import { readRun, RunFileError, runFilePath } from '../../results/run-file.js';
import { describeBreakage } from '../../targets/db/invariant-report.js';
import type { RunResult } from '../../results/run.js';
import { trialsOf, type RunTrials } from '../../results/trials.js';

export class GateInputError extends Error {}

/** Fewer repeats cannot show that a change holds across them (and 5 is what the ci profile runs). */
export const MIN_TRIALS = 5;

export interface GateRun { file: string; run: RunResult; scenario: Scenario; trials: RunTrials }

export interface GateInputs {
  baseline: GateRun;
  candidate: GateRun;
  /** Wirings both runs measured, in the candidate's order. */
  wirings: string[];
  /** Workflows the scenario sends. */
  workflows: string[];
  /** Same CPU model, core count and Node version: absolute times can be compared. */
  sameEnvironment: boolean;
  warnings: string[];
}

export function loadInputs(baselinePath: string, candidatePath: string): GateInputs {
  return pairRuns(loadGateRun(baselinePath), loadGateRun(candidatePath));
}

export function pairRuns(baseline: GateRun, candidate: GateRun): GateInputs {
  const warnings: string[] = [];

  assertBaseline(baseline);
  const describe = (g: GateRun) => `${g.file} ran ${g.scenario.name} (${JSON.stringify(g.scenario.mix)}, ${JSON.stringify(g.scenario.arrival)})`;
  const b = baseline.scenario;
  const c = candidate.scenario;
  if (b.name !== c.name || JSON.stringify(b.mix) !== JSON.stringify(c.mix) || JSON.stringify(b.arrival) !== JSON.stringify(c.arrival)) {
    throw new GateInputError(`the runs measured different workloads: baseline ${describe(baseline)}; candidate ${describe(candidate)}`);
  }
  if (b.durationS !== c.durationS || b.warmupS !== c.warmupS) {
    warnings.push(`measured windows differ: baseline ${b.durationS} s after ${b.warmupS} s warm-up, candidate ${c.durationS} s after ${c.warmupS} s`);
  }

  const wirings = [...candidate.trials.keys()].filter((w) => baseline.trials.has(w));
  if (!wirings.length) {
    throw new GateInputError(`no wiring in common: baseline ${baseline.file} has ${[...baseline.trials.keys()].join(', ')}; candidate ${candidate.file} has ${[...candidate.trials.keys()].join(', ')}`);
  }
  for (const [g, other] of [[baseline, candidate], [candidate, baseline]] as const) {
    const missing = [...g.trials.keys()].filter((w) => !other.trials.has(w));
    if (missing.length) warnings.push(`not compared (only in ${g.file}): ${missing.join(', ')}`);
  }

  const differences = environmentDifferences(baseline.run, candidate.run);
  if (differences.length) {
    warnings.push(`environments differ (${differences.join('; ')}): absolute times are not comparable, so only same-run ratios and budgets gate`);
  }
  for (const g of [baseline, candidate]) {
    if (g.run.config.injectDelay) warnings.push(`${g.file} ran with an injected delay: ${g.run.config.injectDelay}`);
  }

  const workflows = Object.entries(c.mix).filter(([, weight]) => (weight ?? 0) > 0).map(([w]) => w);
  return { baseline, candidate, wirings, workflows, sameEnvironment: differences.length === 0, warnings };
}

/** A run the gate can read: valid run.json, decodable histograms, ≥ MIN_TRIALS trials per wiring. */
export function loadGateRun(fileOrDir: string): GateRun {
  const file = runFilePath(fileOrDir);
  try {
    return gateRun(file, readRun(file));
  } catch (e) {
    if (e instanceof RunFileError) throw new GateInputError(e.message);
    throw e;
  }
}

/** `file` names the run in messages. */
export function gateRun(file: string, run: RunResult): GateRun {
  let scenario: Scenario;
  let trials: RunTrials;
  try {
    scenario = parseScenario(run.config.scenario, `${file}: config.scenario`);
    trials = trialsOf(run);
  } catch (e) {
    throw new GateInputError(e instanceof ScenarioError ? e.message : `${file}: ${(e as Error).message}`);
  }
  if (!run.cells.length) throw new GateInputError(`${file}: no cells (a run against --target has none; the gate needs wirings started by npm run bench)`);
  for (const [wiring, byWorkflow] of trials) {
    const n = byWorkflow.get('all')?.length ?? 0;
    if (n < MIN_TRIALS) {
      throw new GateInputError(`${file}: ${wiring} has ${n} trial(s); the gate needs ≥ ${MIN_TRIALS} per wiring (npm run bench -- --profile ci, or --trials ${MIN_TRIALS})`);
    }
  }
  return { file, run, scenario, trials };
}

/** A baseline whose invariants broke measured a broken system: nothing to compare with. */
export function assertBaseline(g: GateRun): void {
  const broken = g.run.cells.filter((cell) => !cell.invariants.ok).map((cell) => `${cell.wiring} trial ${cell.trial} (${describeBreakage(cell.invariants)})`);
  if (broken.length) throw new GateInputError(`${g.file}: invariants broken in ${broken.join(', ')}: not usable as a baseline`);
}

function environmentDifferences(a: RunResult, b: RunResult): string[] {
  const fields = [['cpu', 'cpuModel'], ['cores', 'cores'], ['node', 'node']] as const;
  return fields.filter(([, f]) => a.environment[f] !== b.environment[f]).map(([label, f]) => `${label}: ${a.environment[f]} vs ${b.environment[f]}`);
}
