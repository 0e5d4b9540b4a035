// npm run spread -- results/<id> [more runs]: the trial-to-trial spread of p50 and p99 per wiring ×
// workflow (scripts/bench/spread.ts), trials of every run given pooled. Give one run (or runs of one
// build) at a time: pooling a before and an after run would measure their difference, not the noise.
import { readRun, RunFileError } from '../results/run-file.js';
import { spreadOf } from './bench/spread.js';
import { args, fail } from './cli.js';

const USAGE = `usage: npm run spread -- <results/run-id | run.json> [more runs]
  per wiring × workflow: each trial's p50 and p99 (ms, coordinated-omission corrected) and the log-sd
  (standard deviation of ln) of p50 and of p99 over the trials of every run given`;
const { values, positionals } = args({}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
if (positionals.length === 0) fail(`name at least one run\n\n${USAGE}`, 2);

let runs;
try {
  runs = positionals.map(readRun);
} catch (e) {
  fail(e instanceof RunFileError ? e.message : String((e as Error).stack ?? e), 2);
}
for (const r of runs) {
  const cellStart = r.config.cellStart ?? 'reseeded (run written before cell starts were recorded)';
  console.log(`${r.runId}: ${r.config.trials} trial(s), ${r.environment.cores} × ${r.environment.cpuModel}, load average ${r.environment.loadAverage.join(' ')} at start; cells: ${cellStart}`);
}
const rows = spreadOf(runs);
if (rows.length === 0) fail('no open-model cells with samples in these runs (saturation and sweep rows have no trials)');
const sd = (v: number | null) => (v === null ? '—' : v.toFixed(3));
const list = (xs: number[]) => xs.map((x) => x.toFixed(x < 10 ? 2 : 1)).join(' ');
console.log('\nwiring            workflow   trials  log-sd p50  log-sd p99   p50 ms per trial · p99 ms per trial');
for (const r of rows) {
  console.log(`${r.wiring.padEnd(18)}${r.workflow.padEnd(11)}${String(r.trials.length).padStart(6)}${sd(r.logSdP50).padStart(12)}${sd(r.logSdP99).padStart(12)}   ` +
    `${list(r.trials.map((t) => t.p50Ms))} · ${list(r.trials.map((t) => t.p99Ms))}`);
}
console.log('\nlog-sd 0.10 ≈ trials ±10 % around their geometric mean; trials in the order they ran (interleaved across wirings).');
