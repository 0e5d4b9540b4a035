// npm run bench: every headline wiring under one scenario, measured with an open-model driver in its
// own process, plus the micro table; writes results/<run-id>/run.json and prints a summary.
import fs from 'node:fs';
import path from 'node:path';
import { loadScenario, ScenarioError, type Scenario } from '../scenarios/scenario.js';
import { DB_HELP, openDatabases, type Databases } from '../targets/db/connect.js';
import { parseInjectedDelays } from '../targets/kit/handler.js';
import { HEADLINE_WIRINGS, LADDER_WIRINGS, parseWiring } from '../targets/wirings/placement.js';
import { runCell, type Cell, type DriveFn, type DriverName } from './bench/cell.js';
import { runDriverInChild } from './bench/driver-process.js';
import { environment } from './bench/environment.js';
import { k6Missing, k6Path, runK6 } from './bench/k6.js';
import { runMicro } from './bench/micro.js';
import { clock, progress } from './bench/progress.js';
import { SCHEMA_VERSION, type DriverResult, type MicroRow, type RunResult } from './bench/results.js';
import { args, fail, log, onShutdown } from './cli.js';

const PROFILES = {
  /** ≤ 90 s on 2 cores: short runs, few samples — a quick look, not a verdict. */
  quick: { scenario: 'checkout-steady', durationS: 8, warmupS: 2, trials: 1, microS: 0.5 },
  /** ≤ 5 minutes on 2 cores: the default comparison. */
  default: { scenario: 'checkout-steady', durationS: 20, warmupS: 4, trials: 1, microS: 1.5 },
  /** What the CI gate needs: interleaved repeated trials per cell. */
  ci: { scenario: 'checkout-steady', durationS: 8, warmupS: 2, trials: 5, microS: 0.5 },
  /** The scenario file as written, no shortening. */
  full: { scenario: 'checkout-steady', durationS: undefined, warmupS: undefined, trials: 1, microS: 2 },
} as const;
type Profile = keyof typeof PROFILES;

const USAGE = `usage: npm run bench -- [options]
  --profile quick|default|ci|full   run length (default: default, ≤ 5 min on 2 cores; quick ≤ 90 s)
  --wirings a,b,…                   default: ${HEADLINE_WIRINGS.join(',')}; also ${LADDER_WIRINGS.join(', ')}, extract:<svc,…>/<http|grpc>
  --scenario <name|file.json>       default: checkout-steady (scenarios/*.json)
  --driver builtin|k6               builtin: open-model, coordinated-omission corrected (default)
  --rate <req/s>                    override the scenario's constant rate
  --duration <s>                    override the measured duration
  --trials <n>                      repeat every cell n times, interleaved across wirings
  --target <url>                    drive an already running gateway instead of starting wirings
  --inject-delay <svc=ms,…>         artificial handler delay (off by default; recorded)
  --out <dir>                       default: results/<run-id>
  --db <…>                          ${DB_HELP}
  --no-micro                        skip the micro table`;

const { values } = args({
  profile: { type: 'string', default: 'default' }, wirings: { type: 'string' }, scenario: { type: 'string' },
  driver: { type: 'string', default: 'builtin' }, rate: { type: 'string' }, duration: { type: 'string' }, trials: { type: 'string' },
  target: { type: 'string' }, 'inject-delay': { type: 'string' }, out: { type: 'string' }, db: { type: 'string', default: 'embedded' },
  'no-micro': { type: 'boolean', default: false },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

if (!(values.profile! in PROFILES)) fail(`--profile "${values.profile}": expected one of ${Object.keys(PROFILES).join(', ')}`, 2);
const profile = PROFILES[values.profile as Profile];
const driverName = values.driver as DriverName;
if (!['builtin', 'k6'].includes(driverName)) fail(`--driver "${values.driver}": expected builtin or k6 (autocannon is used for saturation only)`, 2);
const num = (v: string | undefined, flag: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) fail(`--${flag} "${v}": expected a number > 0`, 2);
  return n;
};
const wirings = (values.wirings ?? HEADLINE_WIRINGS.join(',')).split(',').filter(Boolean);
try {
  wirings.forEach(parseWiring);
  parseInjectedDelays(values['inject-delay']);
} catch (e) {
  fail((e as Error).message, 2);
}
let scenario: Scenario;
try {
  scenario = shapeScenario(loadScenario(values.scenario ?? profile.scenario));
} catch (e) {
  fail((e as Error).message, e instanceof ScenarioError ? 2 : 1);
}
const trials = num(values.trials, 'trials') ?? profile.trials;

let drive: DriveFn;
if (driverName === 'k6') {
  if (!k6Path()) { log(`k6 not found: ${k6Missing()}; carrying on with the built-in driver`); drive = builtin; } else drive = viaK6;
} else drive = builtin;

const env = environment();
const runId = `${env.startedAt.replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-${values.profile}`;
const outDir = path.resolve(values.out ?? path.join('results', runId));
const shutdown = onShutdown();
const bar = progress();
const began = Date.now();
const cellS = scenario.warmupS + scenario.durationS + 6;
const plan = values.target ? [{ wiring: 'target', trial: 1 }] : Array.from({ length: trials }, (_, t) => wirings.map((w) => ({ wiring: w, trial: t + 1 }))).flat();

try {
  log(`splitbench ${runId}: ${plan.length} cell(s) × ~${cellS} s, scenario ${scenario.name} (${describeArrival(scenario)}), driver ${drive === builtin ? 'builtin' : 'k6'}, ${env.cores} × ${env.cpuModel}, node ${env.node}`);
  const db: Databases | undefined = values.target ? undefined : await openDatabases(values.db, log);
  if (db) shutdown.add(db.stop);
  const cells: Cell[] = [];
  const targetRuns: DriverResult[] = [];
  for (const [i, { wiring, trial }] of plan.entries()) {
    const label = `[${i + 1}/${plan.length}] ${wiring}${trials > 1 ? ` trial ${trial}` : ''}`;
    const remaining = () => Math.max(0, (plan.length - i) * cellS - 0) ;
    const status = (phase: string, extra = '') => bar.update(`${label} · ${phase} · elapsed ${clock((Date.now() - began) / 1000)} · ~${clock(remaining())} left${extra}`);
    if (!db) {
      targetRuns.push(await drive(values.target!, scenario, runId, (p) => status(p.phase, ` · ${Math.round(p.rateRps)} req/s · p99 ${p.p99Ms.toFixed(1)} ms`)));
      continue;
    }
    const cell = await runCell({
      wiring, scenario, trial, runTag: `${runId}-${i}`, db, injectDelay: values['inject-delay'], drive,
      onPhase: (phase) => status(phase),
      onProgress: (p) => status(`${p.phase} ${Math.round(p.elapsedS)}/${Math.round(p.elapsedS + p.remainingS)} s`, ` · ${Math.round(p.rateRps)} req/s · p99 ${p.p99Ms.toFixed(1)} ms`),
      onStop: (stop) => shutdown.add(stop),
    });
    cells.push(cell);
    const all = cell.driver.workflows.find((w) => w.workflow === 'all');
    bar.done(`${label}: p50 ${all?.latencyMs.p50.toFixed(2)} ms, p99 ${all?.latencyMs.p99.toFixed(2)} ms, ${cell.driver.achievedRps.toFixed(0)} req/s, invariants ${cell.invariants.ok ? 'OK' : 'BROKEN'}`);
  }
  let micro: MicroRow[] = [];
  if (!values['no-micro'] && db) {
    bar.update(`micro benchmarks · elapsed ${clock((Date.now() - began) / 1000)}`);
    micro = await runMicro({ pgUrl: db.urls.identity, timeS: profile.microS, onProgress: (name) => bar.update(`micro: ${name} · elapsed ${clock((Date.now() - began) / 1000)}`) });
    bar.done();
  }
  const run: RunResult = {
    schemaVersion: SCHEMA_VERSION, runId, environment: env,
    config: {
      profile: values.profile, scenario, wirings, trials, driver: drive === builtin ? 'builtin' : 'k6', target: values.target ?? null,
      db: db?.kind ?? 'not used (--target)', injectDelay: values['inject-delay'] ?? '',
      method: 'open model (arrival rate), latency from the intended send time (coordinated omission corrected), HdrHistogram µs 3 significant digits; warm-up excluded; driver in its own process',
    },
    cells, target: targetRuns, micro, finishedAt: new Date().toISOString(),
  };
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'run.json');
  fs.writeFileSync(file, JSON.stringify(run, null, 1));
  printSummary(cells, micro);
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  await shutdown.run(cells.every((c) => c.invariants.ok) ? 0 : 1);
} catch (e) {
  bar.done();
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}

function builtin(targetUrl: string, s: Scenario, runTag: string, onProgress: Parameters<DriveFn>[3]) {
  return runDriverInChild({ targetUrl, scenario: s, runTag }, onProgress);
}

function viaK6(targetUrl: string, s: Scenario, runTag: string, onProgress: Parameters<DriveFn>[3]) {
  return runK6(s, { targetUrl, runTag, outDir, onProgress });
}

function shapeScenario(s: Scenario): Scenario {
  const rate = num(values.rate, 'rate');
  const durationS = num(values.duration, 'duration') ?? (s.arrival.model === 'ramp' ? undefined : profile.durationS);
  const arrival = rate === undefined ? s.arrival : s.arrival.model === 'constant' ? { ...s.arrival, rateRps: rate } : fail(`--rate applies to constant-rate scenarios; ${s.name} is ${s.arrival.model}`, 2);
  return { ...s, arrival, durationS: durationS ?? s.durationS, warmupS: profile.warmupS ?? s.warmupS };
}

function describeArrival(s: Scenario): string {
  const a = s.arrival;
  const what = a.model === 'constant' ? `${a.rateRps} req/s constant` : a.model === 'ramp' ? `ramp ${a.startRps}→${a.stages.map((x) => x.targetRps).join('→')} req/s` : `closed, ${a.concurrency} in flight`;
  return `${what}, ${s.durationS} s measured after ${s.warmupS} s warm-up`;
}

function printSummary(cells: Cell[], micro: MicroRow[]) {
  if (cells.length === 0) return;
  const byWiring = new Map<string, Cell[]>();
  for (const c of cells) byWiring.set(c.wiring, [...(byWiring.get(c.wiring) ?? []), c]);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const rows = [...byWiring].map(([wiring, cs]) => {
    const all = cs.map((c) => c.driver.workflows.find((w) => w.workflow === 'all')!);
    return {
      wiring, p50: median(all.map((a) => a.latencyMs.p50)), p99: median(all.map((a) => a.latencyMs.p99)),
      rps: median(cs.map((c) => c.driver.achievedRps)), cpu: median(cs.map((c) => c.cost.cpuSPer1kRequests)),
      procs: cs[0].processes, errors: cs.reduce((t, c) => t + Object.values(c.driver.workflows.find((w) => w.workflow === 'all')!.errors).reduce((a, b) => a + b, 0), 0),
      ok: cs.every((c) => c.invariants.ok),
    };
  });
  const mono = rows.find((r) => r.wiring === 'monolith');
  console.log(`\n${env.cores} × ${env.cpuModel}, node ${env.node}; ${describeArrival(scenario)}; medians over ${trials} trial(s)`);
  console.log('wiring            procs   p50 ms    p99 ms   ×mono p99   req/s   CPU s/1k req  ×mono CPU  errors  invariants');
  for (const r of rows) {
    const ratio = (x: number, m: number | undefined) => (m ? `${(x / m).toFixed(2)}×` : '—');
    console.log(`${r.wiring.padEnd(18)}${String(r.procs).padStart(5)}${r.p50.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(10)}${ratio(r.p99, mono?.p99).padStart(12)}${r.rps.toFixed(0).padStart(8)}${r.cpu.toFixed(3).padStart(15)}${ratio(r.cpu, mono?.cpu).padStart(11)}${String(r.errors).padStart(8)}  ${r.ok ? 'OK' : 'BROKEN'}`);
  }
  if (micro.length) {
    console.log('\nmicro (one call, 1 in flight)          p50 µs     p99 µs    ops/s');
    for (const m of micro) console.log(`${m.name.padEnd(36)}${m.p50Us.toFixed(1).padStart(10)}${m.p99Us.toFixed(1).padStart(11)}${Math.round(m.opsPerS).toString().padStart(9)}`);
  }
}
