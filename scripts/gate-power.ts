// node dist/scripts/gate-power.js <run> <run> [<run> …]: what the gate can tell on this machine, from
// several runs of the same code (npm run bench -- --profile ci, one after the other). Every ordered
// pair is gated as baseline → candidate: failures are false alarms. Then the same pairs with the
// candidate made slower on purpose, by a known factor: how large a regression is caught, and how often.
import { gateRun, GateInputError, loadGateRun, pairRuns, type GateRun } from './gate/inputs.js';
import { runGate, type GateSettings } from './gate/verdict.js';
import { empirical, quantile, type Empirical } from './gate/stats.js';
import { args, fail } from './cli.js';

const FACTORS = [1.1, 1.2, 1.3, 1.5, 2, 3];
const SETTINGS: GateSettings = { minEffect: 0.1, confidence: 0.99, runDrift: 0.03 };

const USAGE = `usage: node dist/scripts/gate-power.js <results/run-id> <results/run-id> [<results/run-id> …]
Runs of the same code with the same profile and scenario (≥ 2; ≥ 3 for more than one pair per baseline).`;
const { values, positionals } = args({}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
if (positionals.length < 2) fail(`expected at least two runs\n\n${USAGE}`, 2);

let runs: GateRun[];
try {
  runs = positionals.map(loadGateRun);
} catch (e) {
  if (e instanceof GateInputError) fail(e.message, 2);
  throw e;
}
const pairs = runs.flatMap((b, i) => runs.filter((_, j) => j !== i).map((c) => [b, c] as const));

const falseAlarms = pairs.map(([b, c]) => runGate(pairRuns(b, c), SETTINGS)).filter((g) => !g.pass);
console.log(`${runs.length} runs, ${pairs.length} ordered pairs gated as baseline → candidate (unchanged code)`);
console.log(`  failed: ${falseAlarms.length} of ${pairs.length}${falseAlarms.map((g) => `\n    ${g.candidate.runId} vs ${g.baseline.runId}: ${g.summary}`).join('')}`);

for (const [label, slow] of [
  ['p99 only (samples above each trial\'s p90 × f; p50 unchanged)', slowerTail],
  ['everything (every sample × f)', slowerAll],
] as const) {
  console.log(`\ncandidate slowed down, ${label}: pairs where each wiring's p99 is flagged regressed`);
  for (const f of FACTORS) {
    const caught = pairs.map(([b, c]) => {
      const g = runGate(pairRuns(b, slowed(c, (e) => slow(e, f))), SETTINGS);
      const p99 = g.comparisons.filter((x) => x.metric === 'p99' && x.verdict !== 'too few samples');
      return { failed: !g.pass, flagged: p99.filter((x) => x.verdict === 'regressed').length, of: p99.length };
    });
    const flagged = caught.reduce((a, x) => a + x.flagged, 0);
    const of = caught.reduce((a, x) => a + x.of, 0);
    console.log(`  × ${f.toFixed(1)}: p99 regressed in ${flagged} of ${of} wiring × workflow comparisons; gate failed in ${caught.filter((x) => x.failed).length} of ${pairs.length} pairs`);
  }
}

function slowed(g: GateRun, slow: (e: Empirical) => Empirical): GateRun {
  const trials = new Map([...g.trials].map(([wiring, byWorkflow]) => [wiring, new Map([...byWorkflow].map(([workflow, ts]) =>
    [workflow, ts.map((t) => ({ ...t, latencyMs: slow(t.latencyMs) }))]))]));
  return { ...gateRun(g.file, g.run), trials };
}

function pairsOf(e: Empirical): [number, number][] {
  return Array.from(e.values, (v, i) => [v, e.cumulative[i] - (i ? e.cumulative[i - 1] : 0)]);
}

function slowerTail(e: Empirical, f: number): Empirical {
  const p90 = quantile(e, 0.9);
  return empirical(pairsOf(e).map(([v, n]) => [v > p90 ? v * f : v, n]));
}

function slowerAll(e: Empirical, f: number): Empirical {
  return empirical(pairsOf(e).map(([v, n]) => [v * f, n]));
}
