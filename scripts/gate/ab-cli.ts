// `npm run gate` without --baseline: build the base commit in a worktree, run base and candidate
// trials interleaved (ABBA) in this one job, and gate on the paired ratios. Writes <out>/base/run.json,
// <out>/candidate/run.json, <out>/report/index.html (the A/B page) and <out>/gate.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeAbReport } from '../../reports/ab-report.js';
import { loadScenario } from '../../scenarios/scenario.js';
import { parseInjectedDelays } from '../../targets/kit/handler.js';
import { parseWiring } from '../../targets/wirings/placement.js';
import { shapeScenario } from '../bench/shape-scenario.js';
import { onShutdown } from '../cli.js';
import { runAb } from './ab-runner.js';
import { runAbGate, undecidedChecks } from './ab.js';
import type { GateResult, GateSettings } from '../../results/gate.js';
import type { RunResult } from '../../results/run.js';
import { defaultBase, prepareBaseTree } from './base-tree.js';
import { MIN_TRIALS } from './inputs.js';

export interface AbOptions {
  base?: string; wirings?: string; pairs?: number; scenario?: string; durationS?: number; rateRps?: number;
  candidateInjectDelay?: string; out?: string; db?: string;
  /** Sequential: while some gated check is undecided, run another round of pairs, up to this many… */
  maxPairs?: number;
  /** …and not past this many minutes of trials. */
  budgetMin?: number;
}

/** What the A/B runs when not told: two wirings, the ci profile's lengths (8 s after 2 s warm-up). */
export const AB_DEFAULTS = { wirings: 'monolith,services/http', scenario: 'checkout-steady', profile: { durationS: 8, warmupS: 2 } } as const;

/** Throws Error with a message fit for the user on bad options (the caller exits 2). */
export async function runAbCli(o: AbOptions, settings: GateSettings, log: (m: string) => void): Promise<{ result: GateResult; outDir: string; report?: string }> {
  const repo = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const wirings = (o.wirings ?? AB_DEFAULTS.wirings).split(',').filter(Boolean);
  wirings.forEach(parseWiring);
  parseInjectedDelays(o.candidateInjectDelay);
  const pairs = o.pairs ?? MIN_TRIALS;
  if (pairs < MIN_TRIALS) throw new Error(`--pairs ${pairs}: the gate needs ≥ ${MIN_TRIALS} trials per side and wiring`);
  const maxPairs = o.maxPairs ?? pairs;
  if (maxPairs < pairs) throw new Error(`--max-pairs ${maxPairs}: expected ≥ --pairs (${pairs})`);
  // Every look at the pairs spends a share of the false-alarm budget: the first at `pairs`, one per round after.
  const gateSettings = { ...settings, looks: maxPairs - pairs + 1 };
  const name = o.scenario ?? AB_DEFAULTS.scenario;
  const { scenario, durations } = shapeScenario(loadScenario(name), {
    explicitFile: name.endsWith('.json'), profileName: 'ci', profile: AB_DEFAULTS.profile, durationS: o.durationS, rateRps: o.rateRps,
  });

  const baseRef = o.base ?? defaultBase(repo);
  const tree = prepareBaseTree(repo, baseRef, log);
  const candidateSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const candidateDirty = execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }).trim() !== '';
  const outDir = path.resolve(o.out ?? path.join(repo, 'results', `ab-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`));
  log(`same-job A/B: base ${tree.sha.slice(0, 8)} vs candidate ${candidateSha.slice(0, 8)}${candidateDirty ? ' (uncommitted changes)' : ''}; ` +
    `${wirings.join(', ')} × ${pairs} ABBA pairs; ${scenario.name} (the candidate's definition, on both sides): ${durations}` +
    `${o.candidateInjectDelay ? `; candidate only: --inject-delay ${o.candidateInjectDelay}` : ''}` +
    `${maxPairs > pairs ? `; sequential: more pairs while a check is undecided, up to ${maxPairs}${o.budgetMin ? ` or ${o.budgetMin} min` : ''}` : ''}`);

  const shutdown = onShutdown();
  const began = Date.now();
  const gateOf = (sides: { base: RunResult; candidate: RunResult }, n: number, stopped?: string) => runAbGate({
    base: sides.base, candidate: sides.candidate, baseSha: tree.sha, candidateSha, candidateDirty, pairs: n, outDir, ...(maxPairs > pairs && { maxPairs, stopped }),
  }, gateSettings);
  const runs = await runAb({
    trees: { base: tree.dir, candidate: repo }, wirings, pairs, maxPairs, scenario, candidateInjectDelay: o.candidateInjectDelay, db: o.db ?? 'embedded', outDir, log, onStop: shutdown.add,
    undecided: (sides, n) => {
      if (o.budgetMin && (Date.now() - began) / 60_000 >= o.budgetMin) { log(`${n} pairs: the ${o.budgetMin}-minute budget is spent`); return false; }
      const g = gateOf(sides, n);
      const open = undecidedChecks(g);
      if (g.pass && open.length) log(`${n} pairs: undecided — ${open.map((c) => `${c.wiring} ${c.workflow} ${c.metric}`).join(', ')}`);
      return g.pass && open.length > 0;
    },
  });
  for (const side of ['base', 'candidate'] as const) {
    fs.mkdirSync(path.join(outDir, side), { recursive: true });
    fs.writeFileSync(path.join(outDir, side, 'run.json'), JSON.stringify(runs[side], null, 1));
  }
  const result = gateOf(runs, runs.pairs, runs.stopped);
  const open = undecidedChecks(result);
  if (open.length) {
    result.warnings.push(`undecided after ${runs.pairs} pairs (neither a regression shown nor one of ≥ ${Math.round(settings.minEffect * 100)} % ruled out): ${open.map((c) => `${c.wiring} ${c.workflow} ${c.metric}`).join(', ')}; more pairs (--pairs, --max-pairs) would narrow them`);
  }
  return { result, outDir, report: writeAbReport(outDir, result, runs, log) };
}
