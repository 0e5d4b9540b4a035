// npm run gate: the candidate against a base, per wiring × workflow, on p99 (and p50 and throughput),
// plus the scenario's budgets; prints Markdown, writes gate.json. The base is either a commit measured
// in this same job (A/B, the default: gate/ab-cli.ts) or a stored run (--baseline).
// Exit 0: pass · 1: regression, missed budget or broken invariants · 2: unusable input.
import fs from 'node:fs';
import path from 'node:path';
import { runFilePath } from '../results/run-file.js';
import { GateInputError, loadInputs, type GateInputs } from './gate/inputs.js';
import { gateMarkdown } from './gate/markdown.js';
import { runGate } from './gate/verdict.js';
import { runAbCli } from './gate/ab-cli.js';
import { DB_HELP } from '../targets/db/connect.js';
import { args, fail, intFlag, log } from './cli.js';
import { DEFAULT_STATISTIC } from './gate/paired.js';
import { STATISTICS, type GateResult, type Statistic } from '../results/gate.js';

const USAGE = `usage: npm run gate -- [--base <git-ref>] [A/B options] [options]
       npm run gate -- --baseline <run.json|dir> --candidate <run.json|dir> [options]
Same-job A/B (without --baseline): builds <git-ref> in a worktree (.splitbench/base/<sha>/) and runs its
trials and this tree's interleaved, ABBA per wiring, on one database server; gates on paired ratios.
  --base <git-ref>                  default: git merge-base HEAD main
  --wirings a,b,…                   default: monolith,services/http
  --pairs <n>                       ABBA pairs (trials per side) per wiring, ≥ 5 (default 5)
  --max-pairs <n>                   sequential: while a gated check is undecided, another pair per wiring, up to n
  --budget-min <m>                  sequential: and no new pair after m minutes
  --scenario <name|file.json>       the candidate's definition, run by both sides (default: checkout-steady)
  --duration <s>                    measured seconds per trial (default 8, after the scenario's ci warm-up of 2 s)
  --rate <req/s>                    the scenario's constant rate, on both sides (below every gated wiring's knee)
  --candidate-inject-delay <svc=ms> --inject-delay on the candidate's trials only (to show the gate catches it)
  --db <…>                          the one database server of both sides: ${DB_HELP}
  --statistic ${STATISTICS.join('|')}   the interval of the paired ratios (default ${DEFAULT_STATISTIC}: README "What it can tell")
Both forms:
  --min-effect <percent>   smallest change that counts (default 10)
  --confidence <percent>   family-wise: unchanged code fails the gate at most (100 − this) % of the time (default 99)
  --run-drift <percent>    how much whole runs on this machine differ (spread, default 3): widens absolute comparisons
  --out <file.json|dir>    where gate.json goes (default: next to the candidate's run.json; A/B: a dir, default results/ab-<time>/)
Stored runs need ≥ 5 trials per wiring (npm run bench -- --profile ci). Also appends the Markdown to
$GITHUB_STEP_SUMMARY when set. Exit 0: pass · 1: regression, missed budget or broken invariants · 2: unusable input.`;

const { values } = args({
  baseline: { type: 'string' }, candidate: { type: 'string' }, 'min-effect': { type: 'string' }, confidence: { type: 'string' }, 'run-drift': { type: 'string' },
  out: { type: 'string' }, base: { type: 'string' }, wirings: { type: 'string' }, pairs: { type: 'string' }, scenario: { type: 'string' },
  duration: { type: 'string' }, 'candidate-inject-delay': { type: 'string' }, db: { type: 'string' },
  'max-pairs': { type: 'string' }, 'budget-min': { type: 'string' }, statistic: { type: 'string' }, rate: { type: 'string' },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
if (!values.baseline !== !values.candidate) fail(`--baseline and --candidate are both required to compare stored runs (with neither: a same-job A/B against --base)\n\n${USAGE}`, 2);
const abOnly = (['base', 'wirings', 'pairs', 'scenario', 'duration', 'candidate-inject-delay', 'db', 'max-pairs', 'budget-min', 'statistic', 'rate'] as const).filter((f) => values[f] !== undefined);
if (values.baseline && abOnly.length) fail(`${abOnly.map((f) => `--${f}`).join(', ')}: only for a same-job A/B, not with --baseline (a stored run)`, 2);

const percent = (flag: 'min-effect' | 'confidence' | 'run-drift', fallback: number, allowZero = false) => {
  const v = values[flag];
  if (v === undefined) return fallback / 100;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !allowZero) || n >= 100) fail(`--${flag} "${v}": expected a percentage ${allowZero ? '≥ 0' : '> 0'} and < 100, e.g. ${fallback}`, 2);
  return n / 100;
};
const statistic = (values.statistic ?? DEFAULT_STATISTIC) as Statistic;
if (!STATISTICS.includes(statistic)) fail(`--statistic "${values.statistic}": expected one of ${STATISTICS.join(', ')}`, 2);
const settings = { minEffect: percent('min-effect', 10), confidence: percent('confidence', 99), runDrift: percent('run-drift', 3, true), statistic };

let result: GateResult;
let out: string;
let report: string | undefined;
if (values.baseline && values.candidate) {
  let inputs: GateInputs;
  try {
    inputs = loadInputs(values.baseline, values.candidate);
  } catch (e) {
    if (e instanceof GateInputError) fail(e.message, 2);
    throw e;
  }
  result = runGate(inputs, settings);
  out = values.out
    ? values.out.endsWith('.json') ? path.resolve(values.out) : path.resolve(values.out, 'gate.json')
    : path.join(path.dirname(runFilePath(values.candidate)), 'gate.json');
} else {
  const pairs = values.pairs === undefined ? undefined : Number(values.pairs);
  const durationS = values.duration === undefined ? undefined : Number(values.duration);
  if (pairs !== undefined && !Number.isInteger(pairs)) fail(`--pairs "${values.pairs}": expected an integer ≥ 5`, 2);
  if (durationS !== undefined && !(durationS > 0)) fail(`--duration "${values.duration}": expected a number of seconds > 0`, 2);
  const maxPairs = values['max-pairs'] === undefined ? undefined : intFlag(values['max-pairs'], 'max-pairs', 5, 5);
  const rateRps = values.rate === undefined ? undefined : Number(values.rate);
  if (rateRps !== undefined && !(rateRps > 0)) fail(`--rate "${values.rate}": expected requests per second > 0`, 2);
  const budgetMin = values['budget-min'] === undefined ? undefined : Number(values['budget-min']);
  if (budgetMin !== undefined && !(budgetMin > 0)) fail(`--budget-min "${values['budget-min']}": expected a number of minutes > 0`, 2);
  try {
    const ab = await runAbCli({
      base: values.base, wirings: values.wirings, pairs, scenario: values.scenario, durationS, candidateInjectDelay: values['candidate-inject-delay'], out: values.out, db: values.db, maxPairs, budgetMin, rateRps,
    }, settings, log);
    result = ab.result;
    out = path.join(ab.outDir, 'gate.json');
    report = ab.report;
  } catch (e) {
    // Bad options, an unknown ref, a base that does not build, a failed trial: no verdict, so unusable input.
    fail((e as Error).message, 2);
  }
}
const markdown = gateMarkdown(result);
console.log(markdown);

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(result, null, 1));
log(`gate.json: ${path.relative(process.cwd(), out)}`);
if (report) log(`report: ${path.relative(process.cwd(), report)}`);
if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
process.exit(result.pass ? 0 : 1);
