// npm run gate-power: what the same-job A/B gate can tell on this machine, measured. One long run of
// blocks; each block runs one trial of every arm — the unchanged code three times (a base and two
// copies) and the same code with delays injected on the candidate's side — in an order rotated block
// by block. A gate is then P blocks: base trials against one arm's trials, paired block by block and
// judged by the gate's own code (ab.ts). Disjoint groups of blocks are independent gates: how many of
// the unchanged ones fail is the false-alarm rate; how many of each injected arm fail is its detection
// rate. `--evaluate <dir>` judges a stored pool again (other pairs per gate, other statistics).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadScenario, type Scenario } from '../scenarios/scenario.js';
import { parseInjectedDelays } from '../targets/kit/handler.js';
import { clock } from './bench/progress.js';
import type { RunResult } from '../results/run.js';
import { args, fail, intFlag, log, onShutdown } from './cli.js';
import { shapeScenario } from './bench/shape-scenario.js';
import { withTrials, joinTrials } from './gate/ab-runner.js';
import { evaluatePool, loadPool, mergePools, noiseMarkdown, noiseOf, powerMarkdown, powerSummary, POWER_SETTINGS, type GateSize, type Pool } from './gate/power.js';
import { STATISTICS } from '../results/gate.js';
import { MIN_TRIALS } from './gate/inputs.js';

/** The arms of a block. `same-*` are the unchanged code again: gates against them can only raise false alarms. */
export const ARMS: { arm: string; injectDelay?: string }[] = [
  { arm: 'base' },
  { arm: 'same-1' },
  { arm: 'same-2' },
  { arm: 'every-1ms', injectDelay: 'warehouse=1' },
  { arm: 'every-2ms', injectDelay: 'warehouse=2' },
  { arm: 'every-4ms', injectDelay: 'warehouse=4' },
  { arm: 'tail-10ms@3%', injectDelay: 'warehouse=10ms@3%' },
  { arm: 'tail-20ms@3%', injectDelay: 'warehouse=20ms@3%' },
];

const USAGE = `usage: npm run gate-power -- [--wirings monolith] [--rate 40] [--duration 5] [--blocks 40] [--budget-min 50] [--pairs 5,10,5-10] [--out <dir>]
       npm run gate-power -- --evaluate <dir>[:first-block][,<dir>…] [--pairs 5,10,5-10] [--out <dir>]
Runs blocks of one trial per arm (${ARMS.map((a) => a.arm).join(', ')}) of checkout-steady on one database
server, stopping after --blocks blocks or once another block would pass --budget-min minutes; then judges
disjoint groups of --pairs blocks as same-job A/B gates (n: fixed; min-max: sequential), with each statistic (${STATISTICS.join(', ')}). Writes <dir>/pool.json (the trials, as they finish)
and <dir>/power.json; prints the tables.`;
const { values } = args({
  wirings: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' }, blocks: { type: 'string' },
  'budget-min': { type: 'string' }, pairs: { type: 'string' }, out: { type: 'string' }, evaluate: { type: 'string' }, db: { type: 'string' },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
// Gate sizes to judge the pool with (--pairs 5,10,5-10): fixed pairs per gate, or a sequential min–max.
const sizes: GateSize[] = (values.pairs ?? '5,10,5-10').split(',').map((p) => {
  const [min, max] = p.split('-').map((x) => intFlag(x, 'pairs', MIN_TRIALS, MIN_TRIALS));
  if (max !== undefined && max < min) fail(`--pairs "${p}": expected min-max with max ≥ min`, 2);
  return max === undefined ? min : { min, max };
});
const pairs = Math.min(...sizes.map((s) => (typeof s === 'number' ? s : s.min)));

if (values.evaluate) {
  // Several pools of the same code and arms judge as one: their blocks follow one another.
  const pools = values.evaluate.split(',').map((spec) => {
    const [dir, from] = spec.split(':');
    const file = path.join(path.resolve(dir), 'pool.json');
    if (!fs.existsSync(file)) fail(`${file}: no pool here (expected the output dir of npm run gate-power)`, 2);
    return { dir: path.resolve(dir), pool: JSON.parse(fs.readFileSync(file, 'utf8')) as Pool, fromBlock: from ? intFlag(from, 'evaluate (dir:first-block)', 1) : 1 };
  });
  let merged: Pool;
  try {
    merged = mergePools(pools);
  } catch (e) {
    fail((e as Error).message, 2);
  }
  report(values.out ? path.resolve(values.out) : pools[0].dir, merged);
} else {
  await collect();
}

async function collect(): Promise<void> {
  const repo = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const wirings = (values.wirings ?? 'monolith').split(',').filter(Boolean);
  ARMS.forEach((a) => parseInjectedDelays(a.injectDelay));
  const blocks = intFlag(values.blocks, 'blocks', 40, pairs);
  const budgetMin = intFlag(values['budget-min'], 'budget-min', 50);
  const rate = intFlag(values.rate, 'rate', 40);
  const { scenario, durations } = shapeScenario(loadScenario('checkout-steady'), {
    explicitFile: false, profileName: 'ci', profile: { durationS: 5, warmupS: 2 }, durationS: values.duration ? intFlag(values.duration, 'duration', 5) : undefined, rateRps: rate,
  });
  const outDir = path.resolve(values.out ?? path.join(repo, 'results', `gate-power-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`));
  const pool: Pool = {
    startedAt: new Date().toISOString(), gitSha: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim(),
    scenario: scenarioSummary(scenario), arms: ARMS, wirings, trials: [],
  };
  log(`gate power: ${wirings.join(', ')} × up to ${blocks} blocks of ${ARMS.length} arms (${ARMS.map((a) => a.arm).join(', ')}), budget ${budgetMin} min; ` +
    `${scenario.name} at ${rate} req/s, ${durations}; writing ${outDir}`);
  const shutdown = onShutdown();
  const began = Date.now();
  await withTrials({ scenario, db: values.db ?? 'embedded', outDir, log, onStop: shutdown.add }, async (runTrial) => {
    for (let block = 1; block <= blocks; block++) {
      const elapsedS = (Date.now() - began) / 1000;
      const perBlockS = block > 1 ? elapsedS / (block - 1) : 0;
      if (block > pairs && elapsedS + perBlockS > budgetMin * 60) { log(`stopping after ${block - 1} blocks: another would pass the ${budgetMin}-minute budget`); break; }
      // A cyclic Latin square: every arm takes every position in the block equally often.
      const order = ARMS.map((_, i) => ARMS[(i + block - 1) % ARMS.length]);
      for (const wiring of wirings) {
        for (const [i, a] of order.entries()) {
          const left = perBlockS ? ` · ~${clock(perBlockS * (Math.min(blocks, Math.floor(budgetMin * 60 / perBlockS)) - block + 1) - (Date.now() - began) / 1000 + elapsedS)} left` : '';
          log(`block ${block}/${blocks} · ${wiring} · ${a.arm} (${i + 1}/${ARMS.length}) · elapsed ${clock((Date.now() - began) / 1000)}${left}`);
          const dir = path.join('slots', `${block}-${a.arm.replace(/[^\w.-]+/g, '_')}-${wiring.replace(/[^\w.-]+/g, '_')}`);
          await runTrial({ tree: repo, wiring, injectDelay: a.injectDelay, label: `block ${block} ${a.arm} ${wiring}`, out: path.join(outDir, dir) });
          pool.trials.push({ block, arm: a.arm, wiring, position: i + 1, dir });
          fs.writeFileSync(path.join(outDir, 'pool.json'), JSON.stringify(pool, null, 1));
        }
      }
    }
  });
  pool.finishedAt = new Date().toISOString();
  fs.writeFileSync(path.join(outDir, 'pool.json'), JSON.stringify(pool, null, 1));
  report(outDir, pool);
  await shutdown.run(0);
}

function report(dir: string, pool: Pool): void {
  fs.mkdirSync(dir, { recursive: true });
  const runs = loadPool(pool, (slot) => JSON.parse(fs.readFileSync(path.resolve(dir, slot, 'run.json'), 'utf8')) as RunResult);
  const evaluations = sizes.flatMap((p) => STATISTICS.map((statistic) => evaluatePool(pool, runs, joinTrials, p, { ...POWER_SETTINGS, statistic })));
  fs.writeFileSync(path.join(dir, 'power.json'), JSON.stringify({ schemaVersion: 1, evaluations, noise: noiseOf(pool, runs) }, null, 1));
  for (const e of evaluations) console.log(`${powerMarkdown(e)}\n`);
  console.log(powerSummary(evaluations));
  console.log(`\n${noiseMarkdown(noiseOf(pool, runs))}`);
  log(`power: ${path.join(dir, 'power.json')}`);
}

function scenarioSummary(s: Scenario): Pool['scenario'] {
  return { name: s.name, rateRps: s.arrival.model === 'constant' ? s.arrival.rateRps : null, durationS: s.durationS, warmupS: s.warmupS };
}
