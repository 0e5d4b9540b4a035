// Judging a gate-power pool: disjoint groups of blocks become same-job A/B gates (ab.ts, the gate's
// own decision), base trials against each arm's; false alarms from the unchanged arms, detection from
// the injected ones, and each arm's true effect from all its blocks together.
import type { GateResult, GateSettings } from '../../results/gate.js';
import { medianOrNaN } from '../../results/median.js';
import type { RunResult } from '../../results/run.js';
import { quantile, trialsOf } from '../../results/trials.js';
import { runAbGate, undecidedChecks } from './ab.js';
import { studentTQuantile } from '../../results/student-t.js';

export interface Pool {
  startedAt: string; finishedAt?: string; gitSha: string;
  /** Merged pools (mergePools): every pool's commit. */
  gitShas?: string[];
  scenario: { name: string; rateRps: number | null; durationS: number; warmupS: number };
  arms: { arm: string; injectDelay?: string }[];
  wirings: string[];
  trials: { block: number; arm: string; wiring: string; position: number; dir: string }[];
}

export const POWER_SETTINGS: GateSettings = { minEffect: 0.1, confidence: 0.99, runDrift: 0 };

export interface ArmPower {
  /** "base vs same-1", "base vs every-2ms" */
  comparison: string;
  arm: string;
  injectDelay: string | null;
  unchanged: boolean;
  /** Per wiring, the median over every block of this arm's checkout percentile ÷ the base's in the same block. */
  effect: Record<string, { p50: number; p99: number }>;
  gates: number;
  failed: number;
  /** Gates failed through this metric (any wiring, workflow or edge). */
  failedBy: Record<string, number>;
  summaries: string[];
  /** Pairs each gate ran (a sequential gate runs more while undecided). */
  pairsUsed: number[];
  /** Gates that passed with a check still undecided (neither a regression shown nor one ruled out). */
  undecided: number;
}

export interface Power {
  schemaVersion: 1;
  pool: Omit<Pool, 'trials'> & { blocks: number };
  machine: { cpuModel: string; cores: number; node: string; loadAverageAtStart: number[] };
  pairsPerGate: number;
  /** A sequential gate's most pairs (= pairsPerGate when fixed). */
  maxPairsPerGate: number;
  settings: GateSettings;
  method: string;
  arms: ArmPower[];
  falseAlarms: { gates: number; failed: number };
}

/** Comparisons judged: every injected arm against the base, and the unchanged arms against the base and each other. */
function comparisonsOf(pool: Pool): [base: string, arm: string][] {
  const unchanged = pool.arms.filter((a) => !a.injectDelay).map((a) => a.arm);
  const [base, ...copies] = unchanged;
  return [
    ...copies.map((c) => [base, c] as [string, string]),
    ...copies.slice(1).map((c) => [copies[0], c] as [string, string]),
    ...pool.arms.filter((a) => a.injectDelay).map((a) => [base, a.arm] as [string, string]),
  ];
}

/** A pool's trials read once: block arm wiring → run. */
export type PoolRuns = Map<string, RunResult>;
export const loadPool = (pool: Pool, load: (dir: string) => RunResult): PoolRuns => new Map(pool.trials.map((t) => [`${t.block} ${t.arm} ${t.wiring}`, load(t.dir)]));

/**
 * `pairs`: a fixed number of pairs per gate, or a sequential gate — start at `min`, add a pair while a
 * gated check is undecided (ab.ts undecidedChecks), stop at `max` — each gate taking the next blocks.
 */
export type GateSize = number | { min: number; max: number };

export function evaluatePool(pool: Pool, runs: PoolRuns, join: (runs: RunResult[]) => RunResult, size: GateSize, settings = POWER_SETTINGS): Power {
  const pairs = typeof size === 'number' ? size : size.min;
  const max = typeof size === 'number' ? size : size.max;
  // Only blocks every arm finished in every wiring (an interrupted run leaves its last block partial).
  const complete = [...new Set(pool.trials.map((t) => t.block))].filter((b) => pool.trials.filter((t) => t.block === b).length === pool.arms.length * pool.wirings.length).sort((a, b) => a - b);
  const runOf = (block: number, arm: string, wiring: string, pair: number) => {
    const r = runs.get(`${block} ${arm} ${wiring}`)!;
    return { ...r, cells: r.cells.map((c) => ({ ...c, trial: pair })) };
  };
  const side = (blocks: number[], arm: string) => join(blocks.flatMap((b, i) => pool.wirings.map((w) => runOf(b, arm, w, i + 1))));
  const looks = { ...settings, looks: max - pairs + 1 };

  const arms = comparisonsOf(pool).map(([base, arm]): ArmPower => {
    const spec = pool.arms.find((a) => a.arm === arm)!;
    const gateOf = (blocks: number[]) => runAbGate({
      base: side(blocks, base), candidate: side(blocks, arm), baseSha: pool.gitSha, candidateSha: pool.gitSha, candidateDirty: false, pairs: blocks.length, outDir: `blocks ${blocks.join(',')}`,
    }, looks);
    const gates: GateResult[] = [];
    for (let start = 0; start + pairs <= complete.length;) {
      let n = pairs;
      let g = gateOf(complete.slice(start, start + n));
      while (n < max && start + n < complete.length && g.pass && undecidedChecks(g).length) g = gateOf(complete.slice(start, start + ++n));
      // A sequential gate cut short by the end of the pool is not the gate it would have been: left out.
      if (n < max && g.pass && undecidedChecks(g).length && start + n >= complete.length && max > pairs) break;
      gates.push(g);
      start += n;
    }
    const failedBy: Record<string, number> = {};
    for (const g of gates.filter((x) => !x.pass)) {
      const metrics = new Set(g.comparisons.filter((c) => c.gated && c.verdict === 'regressed').map((c) => (c.edge ? `edge ${c.metric}` : `${c.workflow} ${c.metric}`)));
      if (g.budgets.some((b) => b.verdict === 'missed' && !b.preexisting)) metrics.add('budget');
      if (g.broken.length) metrics.add('invariants');
      for (const m of metrics) failedBy[m] = (failedBy[m] ?? 0) + 1;
    }
    return {
      comparison: `${base} vs ${arm}`, arm, injectDelay: spec.injectDelay ?? null, unchanged: !spec.injectDelay,
      effect: Object.fromEntries(pool.wirings.map((w) => [w, effectOf(complete.map((b) => [runOf(b, base, w, 1), runOf(b, arm, w, 1)]), w)])),
      gates: gates.length, failed: gates.filter((g) => !g.pass).length, failedBy, summaries: gates.map((g) => g.summary),
      pairsUsed: gates.map((g) => g.ab!.pairs), undecided: gates.filter((g) => g.pass && undecidedChecks(g).length).length,
    };
  });
  const first = runs.get(`${complete[0]} ${pool.arms[0].arm} ${pool.wirings[0]}`)!;
  const falseAlarmArms = arms.filter((a) => a.unchanged);
  const { trials: _trials, ...rest } = pool;
  return {
    schemaVersion: 1,
    pool: { ...rest, blocks: complete.length },
    machine: { cpuModel: first.environment.cpuModel, cores: first.environment.cores, node: first.environment.node, loadAverageAtStart: first.environment.loadAverage },
    pairsPerGate: pairs,
    maxPairsPerGate: max,
    settings: looks,
    method: `Each block ran one trial of every arm (${pool.arms.map((a) => a.arm).join(', ')}) in an order rotated block by block (a cyclic Latin square), ` +
      `all against one database server, every trial from freshly reset databases. A gate is ${max > pairs ? `sequential: ${pairs} consecutive blocks, one more while a gated check is undecided, up to ${max} (the false-alarm budget split over its ${max - pairs + 1} looks)` : `${pairs} consecutive blocks`}, disjoint from every other gate of the same comparison: ` +
      `the base arm's trials against another arm's, paired block by block, judged by the same-job A/B gate's own code (scripts/gate/ab.ts). ` +
      `Pairs in a block are up to ${pool.arms.length - 1} trials apart, less tightly coupled than the gate's adjacent ABBA slots: if anything, pessimistic. ` +
      `Effect: per wiring, the median over all blocks of the arm's checkout p50 (p99) ÷ the base's in the same block.`,
    arms,
    falseAlarms: { gates: falseAlarmArms.reduce((a, x) => a + x.gates, 0), failed: falseAlarmArms.reduce((a, x) => a + x.failed, 0) },
  };
}

function effectOf(pairs: [RunResult, RunResult][], wiring: string): { p50: number; p99: number } {
  const ratio = (p: number) => medianOrNaN(pairs.map(([b, a]) => {
    const q = (r: RunResult) => quantile(trialsOf(r).get(wiring)!.get('checkout')![0].latencyMs, p);
    return q(a) / q(b);
  }));
  return { p50: ratio(0.5), p99: ratio(0.99) };
}

/** One line per statistic × pairs per gate: false alarms, then each injected arm's detection. */
export function powerSummary(evaluations: Power[]): string {
  const first = evaluations[0];
  const injected = first.arms.filter((a) => !a.unchanged);
  const pct = (r: number) => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(0)} %`;
  const effect = (a: ArmPower) => first.pool.wirings.map((w) => `p50 ${pct(a.effect[w].p50)}, p99 ${pct(a.effect[w].p99)}`).join('; ');
  return [
    `| statistic | pairs per gate | false alarms | ${injected.map((a) => `${a.arm} (${effect(a)})`).join(' | ')} |`,
    `|---|---:|---:|${injected.map(() => '---:|').join('')}`,
    ...evaluations.map((e) => `| ${e.settings.statistic} | ${pairsText(e)} | ${e.falseAlarms.failed} / ${e.falseAlarms.gates} | ${e.arms.filter((a) => !a.unchanged).map((a) => `${a.failed} / ${a.gates}`).join(' | ')} |`),
  ].join('\n');
}

function pairsText(e: Power): string {
  if (e.maxPairsPerGate === e.pairsPerGate) return `${e.pairsPerGate}`;
  const used = e.arms.flatMap((a) => a.pairsUsed);
  return `${e.pairsPerGate}–${e.maxPairsPerGate} (mean ${(used.reduce((x, y) => x + y, 0) / used.length).toFixed(1)})`;
}

export function powerMarkdown(p: Power): string {
  const pct = (r: number) => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(0)} %`;
  const lines = [
    `### Gate power (${p.settings.statistic ?? 'bootstrap'}): ${p.falseAlarms.failed} false alarm(s) in ${p.falseAlarms.gates} unchanged gates; ${pairsText(p)} pairs per gate`,
    '',
    `${p.pool.blocks} blocks of ${p.pool.scenario.name} at ${p.pool.scenario.rateRps} req/s (${p.pool.scenario.durationS} s measured after ${p.pool.scenario.warmupS} s), ` +
      `${p.pool.wirings.join(', ')}; ${p.machine.cores} × ${p.machine.cpuModel}, node ${p.machine.node}, ${p.pool.startedAt} … ${p.pool.finishedAt ?? '(interrupted)'}`,
    '',
    `| comparison | injected | ${p.pool.wirings.map((w) => `${w} checkout p50, p99 (measured)`).join(' | ')} | gates failed | through | passed undecided |`,
    `|---|---|${p.pool.wirings.map(() => '---|').join('')}---:|---|---:|`,
    ...p.arms.map((a) => `| ${a.comparison} | ${a.injectDelay ?? '—'} | ${p.pool.wirings.map((w) => `${pct(a.effect[w].p50)}, ${pct(a.effect[w].p99)}`).join(' | ')} | ${a.failed} / ${a.gates} | ${Object.entries(a.failedBy).map(([m, n]) => `${m} ${n}`).join(', ') || '—'} | ${a.undecided} |`),
    '',
    p.method,
  ];
  return lines.join('\n');
}

/**
 * Pools of the same arms, scenario and wirings as one: each pool's blocks from `fromBlock` on, renumbered
 * to follow the pool before; trial dirs made absolute; every pool's commit kept (`gitShas`: whoever
 * merges pools of two commits says why the measured code is the same). Throws naming the pool that differs.
 */
export function mergePools(pools: { dir: string; pool: Pool; fromBlock: number }[]): Pool {
  const [first] = pools;
  const trials: Pool['trials'] = [];
  let offset = 0;
  for (const { dir, pool, fromBlock } of pools) {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (!same(pool.arms, first.pool.arms) || !same(pool.scenario, first.pool.scenario) || !same(pool.wirings, first.pool.wirings)) {
      throw new Error(`${dir}/pool.json: other arms, scenario or wirings than ${first.dir}/pool.json: pools judge together only when they ran the same workload`);
    }
    const kept = pool.trials.filter((t) => t.block >= fromBlock);
    trials.push(...kept.map((t) => ({ ...t, block: t.block - fromBlock + 1 + offset, dir: `${dir}/${t.dir}` })));
    offset = Math.max(offset, ...trials.map((t) => t.block));
  }
  return { ...first.pool, finishedAt: pools.at(-1)!.pool.finishedAt, gitShas: [...new Set(pools.map((p) => p.pool.gitSha))], trials };
}

/** How much unchanged pairs differ: the log-sd of same-code pairs' checkout percentile ratios, per wiring. */
export interface Noise {
  wiring: string;
  pairs: number;
  logSd: { p50: number; p99: number };
  /**
   * Pairs a student-t gate would need to catch +10 % at p50 / +20 % at p99 in 90 % of gates at this
   * noise, with 3 gated checks per wiring at 1 % family-wise: a projection from the measured spread, not
   * a measured detection.
   */
  pairsFor90: { p50Plus10: number; p99Plus20: number };
}

export function noiseOf(pool: Pool, runs: PoolRuns): Noise[] {
  const unchanged = pool.arms.filter((a) => !a.injectDelay).map((a) => a.arm);
  const blocks = [...new Set(pool.trials.map((t) => t.block))];
  return pool.wirings.map((wiring) => {
    const logs = (p: number) => blocks.flatMap((b) => {
      const q = (arm: string) => {
        const r = runs.get(`${b} ${arm} ${wiring}`);
        return r && quantile(trialsOf(r).get(wiring)!.get('checkout')![0].latencyMs, p);
      };
      const [base, ...copies] = unchanged.map(q);
      return base === undefined ? [] : copies.filter((c): c is number => c !== undefined).map((c) => Math.log(c / base));
    });
    const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length);
    const p50 = sd(logs(0.5));
    const p99 = sd(logs(0.99));
    return { wiring, pairs: logs(0.5).length, logSd: { p50, p99 }, pairsFor90: { p50Plus10: pairsNeededFor(Math.log(1.1), p50), p99Plus20: pairsNeededFor(Math.log(1.2), p99) } };
  });
}

/** Smallest n with (t₁₋α,ₙ₋₁ + t₀.₉,ₙ₋₁)·σ/√n ≤ δ: a one-sided t-test's 90 % power, α = 1 % / 3 checks. */
function pairsNeededFor(delta: number, sigma: number): number {
  const alpha = 0.01 / 3;
  for (let n = 2; n <= 10_000; n++) if ((studentTQuantile(1 - alpha, n - 1) + studentTQuantile(0.9, n - 1)) * sigma / Math.sqrt(n) <= delta) return n;
  return Number.POSITIVE_INFINITY;
}

export function noiseMarkdown(noise: Noise[]): string {
  return [
    '| wiring | unchanged pairs | log-sd of pair ratios, checkout p50 · p99 | pairs needed (projection): p50 +10 % · p99 +20 % caught in 90 % |',
    '|---|---:|---|---|',
    ...noise.map((n) => `| ${n.wiring} | ${n.pairs} | ${n.logSd.p50.toFixed(3)} · ${n.logSd.p99.toFixed(3)} | ${n.pairsFor90.p50Plus10} · ${n.pairsFor90.p99Plus20} |`),
  ].join('\n');
}
