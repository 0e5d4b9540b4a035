// npm run baseline: stores a run as the baseline the gate compares against (results/baselines/<name>/,
// committed). The run.json keeps its environment, which the gate checks against the candidate's.
import fs from 'node:fs';
import path from 'node:path';
import { assertBaseline, GateInputError, loadGateRun, type GateRun } from './gate/inputs.js';
import { args, fail, log } from './cli.js';

const BASELINES_DIR = path.join('results', 'baselines');

const USAGE = `usage: npm run baseline -- <results/run-id | run.json> [--name <name>] [--dir <dir>]
  --name <name>   results/baselines/<name>/run.json (default: the run's profile, e.g. ci)
  --dir <dir>     where baselines live (default: ${BASELINES_DIR})
The run needs ≥ 5 trials per wiring, intact invariants and no injected delay (npm run bench -- --profile ci).`;

const { values, positionals } = args({ name: { type: 'string' }, dir: { type: 'string', default: BASELINES_DIR } }, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
if (positionals.length !== 1) fail(`expected one run directory or run.json\n\n${USAGE}`, 2);

let g: GateRun;
try {
  g = loadGateRun(positionals[0]);
  assertBaseline(g);
} catch (e) {
  if (e instanceof GateInputError) fail(e.message, 2);
  throw e;
}
if (g.run.config.injectDelay) fail(`${g.file}: ran with an injected delay (${g.run.config.injectDelay}): not a baseline`, 2);
const name = values.name ?? g.run.config.profile;
if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) fail(`--name "${name}": expected letters, digits, ".", "_" or "-"`, 2);

const target = path.resolve(values.dir!, name, 'run.json');
const replaced = fs.existsSync(target) ? loadGateRun(target).run.runId : undefined;
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(g.file, target);

const e = g.run.environment;
console.log(`baseline ${name}: ${path.relative(process.cwd(), target)}${replaced ? ` (replaces ${replaced})` : ''}`);
console.log(`  run ${g.run.runId}, git ${e.gitSha.slice(0, 8)}${e.gitDirty ? ' (uncommitted changes)' : ''}, scenario ${g.scenario.name}, wirings ${g.run.config.wirings.join(', ')}, ${g.run.config.trials} trials`);
console.log(`  environment: ${e.cores} × ${e.cpuModel}, node ${e.node}, ${e.os}, load average ${e.loadAverage.join(' ')} at start`);
log(`commit it; npm run gate -- --baseline ${path.relative(process.cwd(), path.dirname(target))} --candidate <run> compares against it`);
