// node dist/scripts/gate-power.js <run> <run> [<run> …]: what the gate can tell on this machine, from
// several runs of the same code (npm run bench -- --profile ci, one after the other). Every ordered
// pair is gated as baseline → candidate: regressions found are false alarms. Then the same pairs with
// the candidate made slower on purpose, by a known factor: how large a p99 regression is caught, per wiring.
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

const unchanged = pairs.map(([b, c]) => runGate(pairRuns(b, c), SETTINGS));
const gated = unchanged.flatMap((g) => g.comparisons.filter((x) => x.gated));
console.log(`${runs.length} runs, ${pairs.length} ordered pairs gated as baseline → candidate (unchanged code)`);
console.log(`  gate failed: ${unchanged.filter((g) => !g.pass).length} of ${pairs.length}${unchanged.filter((g) => !g.pass).map((g) => `\n    ${g.candidate.runId} vs ${g.baseline.runId}: ${g.summary}`).join('')}`);
console.log(`  gated comparisons flagged regressed: ${gated.filter((x) => x.verdict === 'regressed').length} of ${gated.length}`);

const wirings = [...new Set(unchanged.flatMap((g) => g.comparisons.map((x) => x.wiring)))];
for (const [label, slow] of [
  ['p99 only (samples above each trial\'s p90 × f; p50 unchanged)', slowerTail],
  ['everything (every sample × f)', slowerAll],
] as const) {
  console.log(`\ncandidate slowed down, ${label}: pairs in which each wiring's p99 is flagged regressed`);
  console.log(`  f     ${wirings.map((w) => w.padStart(14)).join('')}`);
  for (const f of FACTORS) {
    const flagged = pairs.map(([b, c]) => runGate(pairRuns(b, slowed(c, (e) => slow(e, f))), SETTINGS).comparisons.filter((x) => x.metric === 'p99' && x.verdict === 'regressed'));
    const cells = wirings.map((w) => `${flagged.filter((xs) => xs.some((x) => x.wiring === w)).length}/${pairs.length}`.padStart(14));
    console.log(`  × ${f.toFixed(1)}${cells.join('')}`);
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
