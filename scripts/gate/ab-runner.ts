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
import { DOMAIN_NAMES, dbEnvVar } from '../../targets/db/domains.js';
import { clock } from '../bench/progress.js';
import type { RunResult } from '../bench/results.js';
import { abbaSchedule, type Side, type Slot } from './ab-schedule.js';

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

export async function runAb(plan: AbPlan): Promise<Record<Side, RunResult>> {
  const slots = abbaSchedule(plan.wirings, plan.pairs);
  fs.mkdirSync(plan.outDir, { recursive: true });
  const scenarioFile = path.join(plan.outDir, 'scenario.json');
  fs.writeFileSync(scenarioFile, JSON.stringify(plan.scenario, null, 1));
  const db = await openDatabases(plan.db, plan.log);
  plan.onStop(db.stop);
  const running = { child: undefined as ChildProcess | undefined };
  // SIGTERM lets the trial's bench stop its own wiring processes, as on its own Ctrl-C.
  plan.onStop(async () => { running.child?.kill('SIGTERM'); });
  const runs: Record<Side, RunResult[]> = { base: [], candidate: [] };
  try {
    const dbEnv = Object.fromEntries(DOMAIN_NAMES.map((d) => [dbEnvVar(d), db.urls[d]]));
    const began = Date.now();
    for (const [i, slot] of slots.entries()) {
      // Remaining time from the slots run so far: every slot runs the same workload, so they take alike.
      const elapsedS = (Date.now() - began) / 1000;
      const left = i === 0 ? '' : ` · ~${clock((elapsedS / i) * (slots.length - i))} left`;
      plan.log(`[${i + 1}/${slots.length}] ${slot.side} ${slot.wiring} pair ${slot.pair} · elapsed ${clock(elapsedS)}${left}`);
      const run = await runSlot(plan, slot, scenarioFile, dbEnv, running);
      runs[slot.side].push({ ...run, cells: run.cells.map((c) => ({ ...c, trial: slot.pair })) });
    }
  } finally {
    await db.stop();
  }
  return { base: joined(runs.base, plan.pairs), candidate: joined(runs.candidate, plan.pairs) };
}

function runSlot(plan: AbPlan, slot: Slot, scenarioFile: string, dbEnv: Record<string, string>, running: { child?: ChildProcess }): Promise<RunResult> {
  const tree = plan.trees[slot.side];
  const out = path.join(plan.outDir, 'slots', `${slot.pair}-${slot.side}-${slot.wiring.replace(/[^\w.-]+/g, '_')}`);
  const inject = slot.side === 'candidate' && plan.candidateInjectDelay ? ['--inject-delay', plan.candidateInjectDelay] : [];
  const argv = [
    path.join(tree, 'dist/scripts/bench.js'), '--profile', 'ci', '--wirings', slot.wiring, '--trials', '1',
    '--scenario', scenarioFile, '--duration', String(plan.scenario.durationS), '--no-micro', '--no-saturation',
    '--db', 'env', '--out', out, ...inject,
  ];
  return new Promise((resolve, reject) => {
    // cwd: the tree itself, so the run records that tree's commit.
    const child = spawn(process.execPath, argv, { cwd: tree, env: { ...process.env, ...dbEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    running.child = child;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    child.on('error', reject);
    child.on('exit', (code) => {
      running.child = undefined;
      if (code !== 0) return reject(new Error(`${slot.side} ${slot.wiring} pair ${slot.pair}: bench.js in ${tree} exited ${code}:\n${stderr}`));
      try {
        resolve(JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')) as RunResult);
      } catch (e) {
        reject(new Error(`${out}/run.json: ${(e as Error).message}`));
      }
    });
  });
}

/** One side's one-trial runs as a single run of `pairs` trials (config and environment of its first). */
function joined(runs: RunResult[], pairs: number): RunResult {
  const first = runs[0];
  return {
    ...first,
    config: { ...first.config, trials: pairs, wirings: [...new Set(runs.flatMap((r) => r.config.wirings))] },
    cells: runs.flatMap((r) => r.cells),
    finishedAt: runs[runs.length - 1].finishedAt,
  };
}
