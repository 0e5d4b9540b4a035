// npm run chain: the bare chain alone — per transport × process count, the per-hop overhead of a
// checkout path that does nothing but forward (the floor beside which npm run bench -- --floor judges
// splitbench's own). No database is started.
import fs from 'node:fs';
import path from 'node:path';
import { loadScenario } from '../scenarios/scenario.js';
import { CHAIN_TRANSPORTS, type ChainPlacement, type ChainTransport } from './bench/chain-graph.js';
import type { FloorRow } from '../results/floor.js';
import { CHAIN_PROCESS_COUNTS, placementFor, runFloor } from './bench/chain.js';
import { environment } from './bench/environment.js';
import { clock, progress, rateAndP99 } from './bench/progress.js';
import { args, fail, intFlag, log, onShutdown } from './cli.js';

const USAGE = `usage: npm run chain -- [options]
  --transports a,b     ${CHAIN_TRANSPORTS.join(',')} (default: all)
  --processes a,b      ${CHAIN_PROCESS_COUNTS.join(',')}: the loopback, domains and services placements (default: all)
  --rate <req/s>       checkouts per second, open model (default 20, checkout-steady's)
  --duration <s>       measured seconds per run (default 10)
  --warmup <s>         unmeasured seconds first (default 3)
  --out <file.json>    also write the rows and the environment as JSON`;

const { values } = args({
  transports: { type: 'string' }, processes: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' }, out: { type: 'string' },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

const positive = (v: string | undefined, flag: string, fallback: number) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) fail(`--${flag} "${v}": expected a number > 0`, 2);
  return n;
};
const list = (v: string | undefined) => v?.split(',').map((x) => x.trim()).filter(Boolean);
const transports = (list(values.transports) ?? [...CHAIN_TRANSPORTS]) as ChainTransport[];
for (const t of transports) if (!CHAIN_TRANSPORTS.includes(t)) fail(`--transports "${t}": expected one of ${CHAIN_TRANSPORTS.join(', ')}`, 2);
const counts = (list(values.processes) ?? CHAIN_PROCESS_COUNTS.map(String)).map((p) => intFlag(p, 'processes', 0));
const rateRps = positive(values.rate, 'rate', 20);
const durationS = positive(values.duration, 'duration', 10);
const warmupS = positive(values.warmup, 'warmup', 3);
let runs: ChainPlacement[];
try {
  runs = transports.flatMap((t) => counts.map((n) => placementFor(n, t)));
} catch (e) {
  fail((e as Error).message, 2);
}

const base = loadScenario('checkout-steady');
const scenario = { ...base, name: 'bare chain', mix: { checkout: 1 }, arrival: { model: 'constant' as const, rateRps }, durationS, warmupS, slo: {} };
const env = environment();
const shutdown = onShutdown();
const bar = progress();
const began = Date.now();
// Start-up and stop of a run's processes, besides its warm-up and measured time.
const perRunS = warmupS + durationS + 3;
let leftS = runs.length * perRunS;

try {
  log(`bare chain on ${env.hostname}: ${env.cores} × ${env.cpuModel}, node ${env.node}, load average ${env.loadAverage.join(' ')}`);
  log(`${runs.length} run(s): ${runs.map((r) => r.name).join(', ')}; ${rateRps} checkouts/s, ${durationS} s measured after ${warmupS} s warm-up; ~${clock(leftS)} planned`);
  const rows: FloorRow[] = [];
  for (const [i, placement] of runs.entries()) {
    const label = `[${i + 1}/${runs.length}] ${placement.name} (${placement.groups.length} process${placement.groups.length === 1 ? '' : 'es'})`;
    const status = (phase: string) => bar.update(`${label} · ${phase} · elapsed ${clock((Date.now() - began) / 1000)} · ~${clock(Math.max(0, leftS))} left`);
    const row = await runFloor({
      wiring: placement, scenario, runTag: `chain-${i}`,
      onPhase: status, onStop: (stop) => shutdown.add(stop),
      onProgress: (p) => {
        const done = p.phase === 'warmup' ? p.elapsedS : warmupS + p.elapsedS;
        leftS = (runs.length - i - 1) * perRunS + Math.max(0, perRunS - done);
        status(`${p.phase} ${Math.round(p.elapsedS)}/${Math.round(p.elapsedS + p.remainingS)} s${rateAndP99(p)}`);
      },
    });
    rows.push(row);
    leftS = (runs.length - i - 1) * perRunS;
    bar.done(`${label}: per hop ${row.perHopOverheadUs.p50} µs p50 over ${row.remoteHops} hops, end to end p50 ${row.latencyMs.p50} ms${row.errors ? `, ${row.errors} errors` : ''}`);
  }
  console.log(`\nbare chain: ${env.cores} × ${env.cpuModel} (${env.hostname}), node ${env.node}, load average ${env.loadAverage.join(' ')} at start`);
  console.log(`${rateRps} checkouts/s (open model), ${durationS} s measured after ${warmupS} s warm-up; overhead = caller's round trip − callee's handler time, per hop = mean over the remote edges`);
  console.log('transport  procs  placement          hops  overhead p50 µs  p99 µs  rtt p50 µs  end-to-end p50 ms  p99 ms   req/s  errors');
  for (const r of rows) {
    const rtt = Math.round(r.edges.reduce((t, e) => t + e.rttUs.p50, 0) / Math.max(1, r.edges.length));
    console.log(`${r.transport.padEnd(11)}${String(r.processes).padStart(5)}  ${r.wiring.padEnd(17)}${String(r.remoteHops).padStart(6)}${r.perHopOverheadUs.p50.toFixed(0).padStart(17)}${r.perHopOverheadUs.p99.toFixed(0).padStart(8)}${String(rtt).padStart(12)}` +
      `${r.latencyMs.p50.toFixed(2).padStart(19)}${r.latencyMs.p99.toFixed(2).padStart(8)}${r.achievedRps.toFixed(0).padStart(8)}${String(r.errors).padStart(8)}`);
  }
  for (const r of rows) for (const w of r.warnings) console.log(`  ! ${r.wiring}: ${w}`);
  if (values.out) {
    fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
    fs.writeFileSync(values.out, JSON.stringify({ environment: env, rateRps, durationS, warmupS, rows }, null, 1));
    console.log(`\nwritten: ${values.out}`);
  }
  await shutdown.run(0);
} catch (e) {
  bar.done();
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}
