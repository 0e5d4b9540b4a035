// npm run gate: a candidate run against a baseline run, per wiring × workflow, on p99 (and p50 and
// throughput), plus the scenario's budgets; prints Markdown, writes gate.json.
// Exit 0: pass · 1: regression, missed budget or broken invariants · 2: unusable input.
import fs from 'node:fs';
import path from 'node:path';
import { runFilePath } from './bench/run-file.js';
import { GateInputError, loadInputs, type GateInputs } from './gate/inputs.js';
import { gateMarkdown } from './gate/markdown.js';
import { runGate } from './gate/verdict.js';
import { args, fail, log } from './cli.js';

const USAGE = `usage: npm run gate -- --baseline <run.json|dir> --candidate <run.json|dir> [options]
  --min-effect <percent>   smallest change that counts (default 10)
  --confidence <percent>   family-wise: unchanged code fails the gate at most (100 − this) % of the time (default 99)
  --run-drift <percent>    how much whole runs on this machine differ (spread, default 3): widens absolute comparisons
  --out <file.json|dir>    where gate.json goes (default: next to the candidate's run.json)
Both runs need ≥ 5 trials per wiring (npm run bench -- --profile ci). Also appends the Markdown to
$GITHUB_STEP_SUMMARY when set. Exit 0: pass · 1: regression, missed budget or broken invariants · 2: unusable input.`;

const { values } = args({
  baseline: { type: 'string' }, candidate: { type: 'string' }, 'min-effect': { type: 'string' }, confidence: { type: 'string' }, 'run-drift': { type: 'string' },
  out: { type: 'string' },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
if (!values.baseline || !values.candidate) fail(`--baseline and --candidate are both required\n\n${USAGE}`, 2);

const percent = (flag: 'min-effect' | 'confidence' | 'run-drift', fallback: number, allowZero = false) => {
  const v = values[flag];
  if (v === undefined) return fallback / 100;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !allowZero) || n >= 100) fail(`--${flag} "${v}": expected a percentage ${allowZero ? '≥ 0' : '> 0'} and < 100, e.g. ${fallback}`, 2);
  return n / 100;
};
const settings = { minEffect: percent('min-effect', 10), confidence: percent('confidence', 99), runDrift: percent('run-drift', 3, true) };

let inputs: GateInputs;
try {
  inputs = loadInputs(values.baseline, values.candidate);
} catch (e) {
  if (e instanceof GateInputError) fail(e.message, 2);
  throw e;
}
const result = runGate(inputs, settings);
const markdown = gateMarkdown(result);
console.log(markdown);

const out = values.out
  ? values.out.endsWith('.json') ? path.resolve(values.out) : path.resolve(values.out, 'gate.json')
  : path.join(path.dirname(runFilePath(values.candidate)), 'gate.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(result, null, 1));
log(`gate.json: ${path.relative(process.cwd(), out)}`);
if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
process.exit(result.pass ? 0 : 1);
