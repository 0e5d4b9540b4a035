// Runs a same-job A/B: every slot of the ABBA schedule is one `bench.js --trials 1` of one wiring, from
// the dist/ of its side's tree (the base worktree or the candidate's own), all against one database
// server started here, all with the candidate's scenario (written to a file both sides read), each
// trial starting from freshly reset databases (the bench resets them per cell). The slots' runs are
// then joined into one run per side, trial i of each side being pair i.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Scenario } from '../../scenarios/scenario.js';
import { openDatabases } from '../../targets/db/connect.js';
import { dbEnvVar } from '../../targets/db/domains.js';
import { SERVICES } from '../../targets/services.js';
import { clock } from '../bench/progress.js';
import type { RunResult } from '../../results/run.js';
import { abbaSchedule, type Side } from './ab-schedule.js';

export interface AbPlan {
  trees: Record<Side, string>;
  wirings: string[];
  pairs: number;
  scenario: Scenario;
  /** `--inject-delay` for the candidate's slots only: how to show that the gate catches a slowdown. */
  candidateInjectDelay?: string;
  /** One server for both sides (openDatabases' spec: embedded, env, a URL template, …). */
  db: string;
  outDir: string;
  log: (m: string) => void;
  /** Registers what Ctrl-C or SIGTERM must stop: the database server and the trial running. */
  onStop: (stop: () => Promise<void>) => void;
}

export interface AbRuns extends Record<Side, RunResult> {
  /** Pairs run per wiring: `pairs`, or more when the gate asked for them (sequential stop). */
  pairs: number;
  /** Why the run stopped where it did. */
  stopped: string;
}

/**
 * Runs `plan.pairs` ABBA pairs per wiring; then, up to `maxPairs`, asks `undecided` after each round (one
 * pair per wiring) whether the gate needs more, and runs another round while it does.
 */
export async function runAb(plan: AbPlan & { maxPairs?: number; undecided?: (sides: Record<Side, RunResult>, pairs: number) => boolean }): Promise<AbRuns> {
  const maxPairs = Math.max(plan.pairs, plan.maxPairs ?? plan.pairs);
  const slots = abbaSchedule(plan.wirings, maxPairs);
  const perPair = slots.length / maxPairs;
  const runs: Record<Side, RunResult[]> = { base: [], candidate: [] };
  const sides = () => ({ base: joinTrials(runs.base), candidate: joinTrials(runs.candidate) });
  let pairs = 0;
  let stopped = `${plan.pairs} pairs, as asked`;
  await withTrials(plan, async (runTrial) => {
    const began = Date.now();
    for (const [i, slot] of slots.entries()) {
      if (slot.pair > plan.pairs && i % perPair === 0) {
        if (!plan.undecided?.(sides(), pairs)) { stopped = slot.pair - 1 === plan.pairs ? `${pairs} pairs: decided` : `${pairs} pairs: decided after ${pairs - plan.pairs} more`; break; }
        plan.log(`${pairs} pairs: undecided, running pair ${slot.pair} (at most ${maxPairs})`);
      }
      // Remaining time from the slots run so far: every slot runs the same workload, so they take alike.
      const elapsedS = (Date.now() - began) / 1000;
      const planned = Math.max(plan.pairs, slot.pair) * perPair;
      const left = i === 0 ? '' : ` · ~${clock((elapsedS / i) * (planned - i))} left${planned < slots.length ? ` (more if undecided, up to ${maxPairs} pairs)` : ''}`;
      plan.log(`[${i + 1}/${planned}] ${slot.side} ${slot.wiring} pair ${slot.pair} · elapsed ${clock(elapsedS)}${left}`);
      const run = await runTrial({
        tree: plan.trees[slot.side], wiring: slot.wiring, label: `${slot.side} ${slot.wiring} pair ${slot.pair}`,
        injectDelay: slot.side === 'candidate' ? plan.candidateInjectDelay : undefined,
        out: path.join(plan.outDir, 'slots', `${slot.pair}-${slot.side}-${slot.wiring.replace(/[^\w.-]+/g, '_')}`),
      });
      runs[slot.side].push({ ...run, cells: run.cells.map((c) => ({ ...c, trial: slot.pair })) });
      if ((i + 1) % perPair === 0) pairs = slot.pair;
    }
    if (pairs === maxPairs && maxPairs > plan.pairs) stopped = `${pairs} pairs: the most allowed (--max-pairs)`;
  });
  return { ...sides(), pairs, stopped };
}

/** One trial: `bench.js --trials 1` of one wiring from a tree's dist/, its run written to `out`. */
export interface TrialSpec { tree: string; wiring: string; injectDelay?: string; out: string; label: string }
export type RunTrial = (t: TrialSpec) => Promise<RunResult>;

/**
 * Starts the one database server every trial shares, writes the scenario where every tree's bench
 * reads it, and hands `work` a function that runs one trial; stops the server (and a trial running on
 * Ctrl-C) when done.
 */
export async function withTrials(plan: Pick<AbPlan, 'scenario' | 'db' | 'outDir' | 'log' | 'onStop'>, work: (runTrial: RunTrial) => Promise<void>): Promise<void> {
  fs.mkdirSync(plan.outDir, { recursive: true });
  const scenarioFile = path.join(plan.outDir, 'scenario.json');
  fs.writeFileSync(scenarioFile, JSON.stringify(plan.scenario, null, 1));
  const db = await openDatabases(plan.db, SERVICES.domains, plan.log);
  plan.onStop(db.stop);
  const running = { child: undefined as ChildProcess | undefined };
  // SIGTERM lets the trial's bench stop its own wiring processes, as on its own Ctrl-C.
  plan.onStop(async () => { running.child?.kill('SIGTERM'); });
  const dbEnv = Object.fromEntries(SERVICES.domains.map((d) => [dbEnvVar(d), db.urls[d]]));
  try {
    await work((t) => runBench(t, scenarioFile, plan.scenario.durationS, dbEnv, running));
  } finally {
    await db.stop();
  }
}

function runBench(t: TrialSpec, scenarioFile: string, durationS: number, dbEnv: Record<string, string>, running: { child?: ChildProcess }): Promise<RunResult> {
  const argv = [
    path.join(t.tree, 'dist/scripts/bench.js'), '--profile', 'ci', '--wirings', t.wiring, '--trials', '1',
    '--scenario', scenarioFile, '--duration', String(durationS), '--no-micro', '--no-saturation',
    '--db', 'env', '--out', t.out, ...(t.injectDelay ? ['--inject-delay', t.injectDelay] : []),
  ];
  return new Promise((resolve, reject) => {
    // cwd: the tree itself, so the run records that tree's commit.
    const child = spawn(process.execPath, argv, { cwd: t.tree, env: { ...process.env, ...dbEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    running.child = child;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    child.on('error', reject);
    child.on('exit', (code) => {
      running.child = undefined;
      if (code !== 0) return reject(new Error(`${t.label}: bench.js in ${t.tree} exited ${code}:\n${stderr}`));
      try {
        resolve(JSON.parse(fs.readFileSync(path.join(t.out, 'run.json'), 'utf8')) as RunResult);
      } catch (e) {
        reject(new Error(`${t.out}/run.json: ${(e as Error).message}`));
      }
    });
  });
}

/** One side's one-trial runs (cells already numbered by pair) as a single run (config and environment of its first). */
export function joinTrials(runs: RunResult[]): RunResult {
  const first = runs[0];
  return {
    ...first,
    config: { ...first.config, trials: runs.length / new Set(runs.flatMap((r) => r.config.wirings)).size, wirings: [...new Set(runs.flatMap((r) => r.config.wirings))] },
    cells: runs.flatMap((r) => r.cells),
    finishedAt: runs[runs.length - 1].finishedAt,
  };
}
