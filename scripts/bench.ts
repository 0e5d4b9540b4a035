// npm run bench: every headline wiring under one scenario, measured with an open-model driver in its
// own process, plus the micro table; writes results/<run-id>/run.json and prints a summary.
import fs from 'node:fs';
import path from 'node:path';
import { loadScenario, ScenarioError, type Scenario } from '../scenarios/scenario.js';
import { CLONE_METHOD, cellDatabases, type CellDatabases } from '../targets/db/cell-start.js';
import { DB_HELP, openDatabases, type Databases } from '../targets/db/connect.js';
import { describeInvariants, type InvariantReport } from '../targets/db/invariant-report.js';
import { DEFAULT_REPORTS_DIR, generateReports } from '../reports/generate.js';
import { parseInjectedDelays } from '../targets/kit/handler.js';
import { SERVICES } from '../targets/services.js';
import { DEPLOYED_WIRINGS, EXTRACT_HELP, HEADLINE_WIRINGS, LADDER_WIRINGS, parseWiring } from '../targets/wirings/placement.js';
import { runCell, runSaturationCell, runSweepCell, type Cell, type CellOptions, type DriveFn } from './bench/cell.js';
import { floorScenario, runFloor } from './bench/chain.js';
import type { FloorRow } from '../results/floor.js';
import { FLOOR_METHOD, floorable, floorS, floorSummary } from './bench/floor.js';
import { builtinDrive } from './bench/driver-process.js';
import { environment } from './bench/environment.js';
import { k6Missing, k6Path, runK6 } from './bench/k6.js';
import { atLeast, isLowerBound, LOWER_BOUND_SHARE } from '../results/lower-bound.js';
import { wiringTable } from './bench/wiring-table.js';
import { runMicro } from './bench/micro.js';
import { RELAY_BENCH_WIRINGS, runRelayBench } from './bench/relay-bench.js';
import { describeArrival, shapeScenario } from './bench/shape-scenario.js';
import { clock, progress, rateAndP99 } from './bench/progress.js';
import { checkRun } from '../results/run-file.js';
import { SCHEMA_VERSION, type DriverResult, type FaultsResult, type MicroRow, type ProxyCost, type RunResult, type SaturationRow, type SweepPoint } from '../results/run.js';
import { needsLinks } from './bench/faults.js';
import { startToxiproxy, type Toxiproxy } from '../targets/wirings/toxiproxy.js';
import { linkProfile, type LinkProfile } from '../scenarios/links.js';
import { loadPrices, type PriceTable } from '../scenarios/prices.js';
import { billCell } from './bench/bill-cell.js';
import { addsNothing, applyLink } from './bench/link-profile.js';
import { measureProxyCost } from './bench/proxy-cost.js';
import { args, fail, log, onShutdown } from './cli.js';
import { cellPlanS, PROFILES, rounds, SATURATION, SWEEP_FRACTIONS, SWEEP_POINT, type Profile } from './bench/profiles.js';


const USAGE = `usage: npm run bench -- [options]
  --profile quick|default|ci|full   run length (default: default, 3 interleaved rounds, ≤ 6 min on 2 cores; quick ≤ 90 s)
  --wirings a,b,…                   default: ${HEADLINE_WIRINGS.join(',')}; also ${[...DEPLOYED_WIRINGS.filter((w) => !HEADLINE_WIRINGS.includes(w)), ...LADDER_WIRINGS].join(', ')}, ${EXTRACT_HELP}
  --scenario <name|file.json>       default: checkout-steady (scenarios/*.json)
  --driver builtin|k6|autocannon    builtin: open model, coordinated-omission corrected (default);
                                    autocannon: only the closed-model saturation runs
  --saturation / --no-saturation    find each wiring's maximum throughput (autocannon; default profile: on)
  --floor / --no-floor              a bare chain beside each remote wiring: how much of its per-hop overhead is splitbench's (full profile: on)
  --sweep                           latency at ${SWEEP_FRACTIONS.map((f) => `${f * 100} %`).join(', ')} of the monolith's maximum throughput (full profile: on)
  --rate <req/s>                    override the scenario's constant rate
  --duration <s>                    override the measured duration (a --scenario file.json otherwise keeps its own
                                    durationS and warmupS; a named scenario takes the profile's)
  --trials <n>                      repeat every cell n times, interleaved across wirings
  --target <url>                    drive an already running gateway instead of starting wirings
  --link <profile>                  a network link on every process → process boundary (Toxiproxy): same-host (default: none added),
                                    same-az, cross-az, cross-region, or one you add to scenarios/links.json
  --links <file.json>               read link profiles from this file instead of scenarios/links.json
  --prices <file.json>              price every cell with this table instead of scenarios/prices.json ($ per million orders)
  --inject-delay <svc=ms[@pct%],…>  artificial handler delay on every call or a hashed share of them (off by default; recorded)
  --out <dir>                       run.json there, its report in <dir>/report/ (default: results/<run-id>, report in reports/<run-id>/)
  --db <…>                          ${DB_HELP}
  --no-micro                        skip the micro table`;

const { values } = args({
  profile: { type: 'string', default: 'default' }, wirings: { type: 'string' }, scenario: { type: 'string' },
  driver: { type: 'string', default: 'builtin' }, rate: { type: 'string' }, duration: { type: 'string' }, trials: { type: 'string' },
  target: { type: 'string' }, 'inject-delay': { type: 'string' }, out: { type: 'string' }, db: { type: 'string', default: 'embedded' },
  'no-micro': { type: 'boolean', default: false }, saturation: { type: 'boolean' }, 'no-saturation': { type: 'boolean' }, sweep: { type: 'boolean' },
  floor: { type: 'boolean' }, 'no-floor': { type: 'boolean' }, link: { type: 'string', default: 'same-host' }, links: { type: 'string' }, prices: { type: 'string' },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

if (!(values.profile! in PROFILES)) fail(`--profile "${values.profile}": expected one of ${Object.keys(PROFILES).join(', ')}`, 2);
const profile = PROFILES[values.profile as Profile];
if (!['builtin', 'k6', 'autocannon'].includes(values.driver!)) fail(`--driver "${values.driver}": expected builtin, k6 or autocannon`, 2);
const closedOnly = values.driver === 'autocannon';
const sweep = values.sweep ?? profile.sweep;
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
let link: LinkProfile;
let prices: PriceTable;
try {
  link = linkProfile(values.link!, values.links);
  prices = loadPrices(values.prices);
} catch (e) {
  fail((e as Error).message, 2);
}
if (values.target && !addsNothing(link)) fail(`--link ${link.name}: a link goes between the processes of a wiring this run starts, not in front of --target`, 2);
let scenario: Scenario;
let durations: string;
try {
  const shaped = shapeScenario(loadScenario(values.scenario ?? profile.scenario), {
    explicitFile: (values.scenario ?? '').endsWith('.json'), profileName: values.profile!, profile,
    durationS: num(values.duration, 'duration'), rateRps: num(values.rate, 'rate'),
  });
  scenario = shaped.scenario;
  durations = shaped.durations;
} catch (e) {
  fail((e as Error).message, e instanceof ScenarioError ? 2 : 1);
}
const trials = num(values.trials, 'trials') ?? profile.trials;
const faulty = scenario.faults.length > 0;
if (faulty && values.driver !== 'builtin') fail(`--driver ${values.driver}: ${scenario.name} has faults, and only the built-in driver records each request's outcome and retries as a client`, 2);
if (faulty && values.target) fail(`--target: ${scenario.name} has faults, and faults need wirings this run starts (it kills their processes and puts proxies between them)`, 2);
// A fault run measures the faults; each wiring's maximum throughput (without them) is asked for by name.
const saturation = closedOnly || sweep || (values.saturation ?? (profile.saturation && !values['no-saturation'] && !faulty));
if (values.target && (saturation || closedOnly)) log('--target: saturation and sweep need wirings this run starts; skipped');

let drive: DriveFn;
if (values.driver === 'k6') {
  if (!k6Path()) { log(`k6 not found: ${k6Missing()}; carrying on with the built-in driver`); drive = builtinDrive; } else drive = viaK6;
} else drive = builtinDrive;

const env = environment();
const runId = `${env.startedAt.replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-${values.profile}`;
const outDir = path.resolve(values.out ?? path.join('results', runId));
const shutdown = onShutdown();
const bar = progress();
const began = Date.now();

// The plan up front, so that progress can say what is left.
const cellS = cellPlanS(scenario);
const saturationS = cellPlanS(SATURATION);
const sweepS = SWEEP_FRACTIONS.length * (SWEEP_POINT.warmupS + SWEEP_POINT.durationS + 1) + 8;
const openCells = values.target || closedOnly ? [] : rounds(wirings, trials);
// The sweep's rates come from the monolith's maximum, so the monolith is saturated first whatever --wirings says.
const saturated = values.target || !saturation ? [] : sweep && !wirings.includes('monolith') ? ['monolith', ...wirings] : wirings;
const swept = values.target || !sweep ? [] : wirings;
// The bare chain runs beside a wiring this run starts, so not with --target or the closed model alone.
const floorLoad = values.target || closedOnly || !(values.floor ?? (profile.floor && !values['no-floor'])) ? undefined : floorScenario(scenario);
if (floorLoad === undefined && values.floor) log(`--floor: skipped (${values.target || closedOnly ? 'it needs the open-model cells of wirings this run starts' : `${scenario.name} sends no checkout`})`);
const floored = floorLoad ? wirings.filter(floorable) : [];
let plannedS = openCells.length * cellS + saturated.length * saturationS + swept.length * sweepS + (floorLoad ? trials * floored.length * floorS(floorLoad) : 0);
const status = (label: string, phase: string, extra = '') =>
  bar.update(`${label} · ${phase} · elapsed ${clock((Date.now() - began) / 1000)} · ~${clock(Math.max(0, plannedS))} left${extra}`);

try {
  log(`splitbench ${runId}: ${describePlan()}, ${env.cores} × ${env.cpuModel}, node ${env.node}`);
  log(`${scenario.name}: ${durations}`);
  if (!addsNothing(link)) log(`link ${link.name}: ${link.rttMs} ± ${link.jitterMs} ms added per round trip on every process → process boundary (${link.description})`);
  const db: Databases | undefined = values.target ? undefined : await openDatabases(values.db, SERVICES.domains, log);
  if (db) shutdown.add(db.stop);
  let fresh: CellDatabases | undefined;
  if (db && openCells.length + saturated.length + swept.length > 0) {
    status('databases', 'seeding');
    fresh = await cellDatabases(db, SERVICES, scenario.seed, log);
  }
  const linked = !values.target && !addsNothing(link) ? await linkTools() : undefined;
  const faults = openCells.length && faulty ? await faultTools(linked) : undefined;
  const base = (wiring: string, runTag: string) => ({
    wiring, scenario, runTag, db: db!, fresh: fresh!, injectDelay: values['inject-delay'], onStop: (stop: () => Promise<void>) => shutdown.add(stop), faults,
    ...(linked && { link: { applied: linked.applied, toxiproxy: linked.toxiproxy } }),
  });

  const targetRuns: DriverResult[] = [];
  if (values.target) {
    targetRuns.push(await drive(values.target, scenario, runId, (p) => status('target', p.phase, rateAndP99(p))));
    bar.done(`target: ${summaryOf(targetRuns[0])}`);
  }

  const cells: Cell[] = [];
  const floors: FloorRow[] = [];
  for (const [i, { wiring, trial }] of openCells.entries()) {
    const label = `[${i + 1}/${openCells.length}] ${wiring}${trials > 1 ? ` trial ${trial}` : ''}`;
    const cell = await runCell({
      ...base(wiring, `${runId}-${i}`), trial, drive,
      onPhase: (phase) => status(label, phase),
      onProgress: (p) => status(label, `${p.phase} ${Math.round(p.elapsedS)}/${Math.round(p.elapsedS + p.remainingS)} s`, rateAndP99(p)),
    });
    cells.push({ ...cell, bill: billCell(cell, link.transfer, prices) });
    plannedS -= cellS;
    bar.done(`${label}: ${summaryOf(cell.driver)}, invariants ${describeInvariants(cell.invariants)}`);
    if (cell.faults) for (const line of describeFaults(cell.faults)) bar.done(`  ${line}`);
    if (floorLoad && floored.includes(wiring)) {
      const floorLabel = `[${i + 1}/${openCells.length}] ${wiring}: bare chain`;
      // A floor that fails costs the run its ratio for this wiring, not its measurements.
      try {
        const row = await runFloor({
          wiring, scenario: floorLoad, runTag: `${runId}-floor-${i}`, onStop: (stop) => shutdown.add(stop),
          onPhase: (phase) => status(floorLabel, phase),
          onProgress: (p) => status(floorLabel, `${p.phase} ${Math.round(p.elapsedS)}/${Math.round(p.elapsedS + p.remainingS)} s`, rateAndP99(p)),
        });
        floors.push(row);
        bar.done(`${floorLabel}: per hop ${row.perHopOverheadUs.p50} µs p50 over ${row.remoteHops} hops, end to end p50 ${row.latencyMs.p50} ms`);
      } catch (e) {
        bar.done(`${floorLabel}: failed, no ratio for this wiring: ${(e as Error).message}`);
      }
      plannedS -= floorS(floorLoad);
    }
  }

  const saturationRows: SaturationRow[] = [];
  for (const [i, wiring] of saturated.entries()) {
    const label = `[saturation ${i + 1}/${saturated.length}] ${wiring}`;
    const row = await runSaturationCell({
      ...base(wiring, `${runId}-sat-${i}`), ...SATURATION,
      onPhase: (phase) => status(label, phase),
      onProgress: (p) => status(label, `${p.phase} ${Math.round(p.elapsedS)}/${Math.round(p.elapsedS + p.remainingS)} s`, rateAndP99(p)),
    });
    saturationRows.push(row);
    plannedS -= saturationS;
    bar.done(`${label}: ${row.maxRps.toFixed(0)} req/s max with ${row.connections} in flight (closed model), p99 ${atLeast(`${row.latencyMs.p99.toFixed(1)} ms`, row.lowerBound)}, ${row.errors} errors, invariants ${describeInvariants(row.invariants)}`);
  }

  const sweepPoints: SweepPoint[] = [];
  const monolithMax = saturationRows.find((r) => r.wiring === 'monolith')?.maxRps ?? 0;
  if (swept.length && monolithMax <= 0) log('sweep skipped: the monolith completed no request in its saturation run');
  else {
    const points = SWEEP_FRACTIONS.map((fraction) => ({ fraction, rateRps: Math.max(1, Math.round(fraction * monolithMax)) }));
    for (const [i, wiring] of swept.entries()) {
      const label = `[sweep ${i + 1}/${swept.length}] ${wiring}`;
      sweepPoints.push(...await runSweepCell({
        ...base(wiring, `${runId}-sweep-${i}`), scenario: { ...scenario, ...SWEEP_POINT }, drive, points,
        onPhase: (phase) => status(label, phase),
        onProgress: (p) => status(label, p.phase, rateAndP99(p)),
      }));
      plannedS -= sweepS;
      const own = sweepPoints.filter((p) => p.wiring === wiring);
      bar.done(`${label}: ${own.map((p) => `${p.offeredRps} req/s → p99 ${atLeast(`${p.latencyMs.p99.toFixed(1)} ms`, p.lowerBound)}`).join(', ')}, invariants ${own[0] ? describeInvariants(own[0].invariants) : 'not checked'}`);
    }
  }

  let micro: MicroRow[] = [];
  if (!values['no-micro'] && db) {
    status('micro', 'starting');
    micro = await runMicro({ pgUrl: db.urls.identity, timeS: profile.microS, onProgress: (name) => status('micro', name) });
    for (const wiring of RELAY_BENCH_WIRINGS) {
      const { row } = await runRelayBench({
        wiring, events: profile.relayEvents, urls: db.urls, onStop: (stop) => shutdown.add(stop),
        onProgress: (p) => status(`micro: outbox relay, ${wiring}`, p.phase, ` · ${p.elapsedS.toFixed(1)} s · ${p.remainingEvents} events left`),
      });
      micro.push(row);
    }
    bar.done();
  }
  const run: RunResult = {
    schemaVersion: SCHEMA_VERSION, runId, environment: env,
    config: {
      profile: values.profile!, scenario, wirings, trials, driver: closedOnly ? 'autocannon' : drive === builtinDrive ? 'builtin' : 'k6', target: values.target ?? null,
      link: linked ? { ...link, applied: { rttMs: linked.applied.rttMs, jitterMs: linked.applied.jitterMs }, proxy: linked.proxy } : { ...link, applied: { rttMs: 0, jitterMs: 0 } },
      prices,
      db: db?.kind ?? 'not used (--target)', cellStart: fresh?.method ?? 'not used (--target)', injectDelay: values['inject-delay'] ?? '',
      method: 'open model (arrival rate), latency from the intended send time (coordinated omission corrected), HdrHistogram µs 3 significant digits; warm-up excluded; driver in its own process. ' +
        `Every cell starts from the same databases: ${fresh?.method === CLONE_METHOD ? 'seeded once per run into template databases, cloned per cell (CREATE DATABASE … TEMPLATE), then CHECKPOINT' : 'reseeded per cell, then VACUUM ANALYZE and CHECKPOINT'} (each cell's start.method). ` +
        `Saturation: autocannon, closed model, ${SATURATION.connections} requests in flight, ${SATURATION.durationS} s after ${SATURATION.warmupS} s warm-up, its latency correction off; latency from each response's hrtime. ` +
        `Sweep: open model at ${SWEEP_FRACTIONS.join(', ')} × the monolith's maximum throughput, ${SWEEP_POINT.durationS} s each after ${SWEEP_POINT.warmupS} s warm-up, ascending, one started wiring per sweep.` +
        (floors.length ? ` ${FLOOR_METHOD}` : ''),
    },
    cells, target: targetRuns, micro, saturation: saturationRows, sweep: sweepPoints, ...(floors.length ? { floor: floors } : {}), finishedAt: new Date().toISOString(),
  };
  // Readers (report, gate) reject a run that does not match the schema: find out now, not there.
  const problems = checkRun(run);
  if (problems.length) log(`warning: this run.json does not match its schema (a splitbench bug): ${problems.slice(0, 3).join('; ')}`);
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'run.json');
  fs.writeFileSync(file, JSON.stringify(run, null, 1));
  printSummary(run);
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  try {
    // The report follows --out (beside its run.json); without it, reports/<run-id>/ as ever.
    const reportsDir = values.out ? path.join(outDir, 'report') : DEFAULT_REPORTS_DIR;
    console.log(`report: ${path.relative(process.cwd(), generateReports([outDir], reportsDir).runPages[0])}`);
  } catch (e) {
    log(`report not written: ${(e as Error).message}`);
  }
  const reports: InvariantReport[] = [...cells, ...saturationRows, ...sweepPoints].map((c) => c.invariants);
  const broken = reports.some((r) => !r.ok) || micro.some((m) => m.kind === 'outbox' && !m.invariantsOk);
  if (broken) log('invariants BROKEN in at least one cell: see run.json');
  await shutdown.run(broken ? 1 : 0);
} catch (e) {
  bar.done();
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}

/** Toxiproxy for link and database faults (started once, its proxies made per cell), and what one of its proxies costs here. */
async function faultTools(started?: { toxiproxy: Toxiproxy; proxy: ProxyCost }): Promise<NonNullable<CellOptions['faults']>> {
  const say = (m: string) => bar.done(`  ${m}`);
  if (!needsLinks(scenario.faults)) return { log: say };
  const { toxiproxy, proxy } = started ?? await proxies('faults', 'every boundary of the fault cells carries one');
  return { toxiproxy, proxy, log: say };
}

/** The link profile as toxics, on proxies of one Toxiproxy started for the run. */
async function linkTools() {
  const applied = applyLink(link);
  const tools = await proxies(`link ${link.name}`, `every process → process boundary carries one, with ${applied.rttMs} ± ${applied.jitterMs} ms added per round trip (whole ms: Toxiproxy's unit)`);
  return { applied, ...tools };
}

async function proxies(phase: string, where: string): Promise<{ toxiproxy: Toxiproxy; proxy: ProxyCost }> {
  status(phase, 'starting Toxiproxy');
  const toxiproxy = await startToxiproxy({ log });
  shutdown.add(toxiproxy.stop);
  status(phase, 'measuring one proxy with no toxic');
  const proxy = await measureProxyCost(toxiproxy);
  log(`Toxiproxy ${toxiproxy.version} at ${toxiproxy.apiUrl}; one proxy with no toxic adds ${proxy.addedUs.p50} µs p50, ${proxy.addedUs.p99} µs p99 per round trip (${proxy.probes} alternating echo probes) — ${where}`);
  return { toxiproxy, proxy };
}

function describeFaults(f: FaultsResult): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lines = f.windows.map((w) => {
    const what = `${w.kind} ${w.target} at ${w.atS} s for ${w.durationS} s`;
    if (w.skipped) return `${what}: skipped (${w.skipped})`;
    const restart = w.restartMs !== undefined ? `, restarted and ready in ${w.restartMs} ms` : '';
    const recovery = w.recoveryS === null ? 'not recovered within the run' : `recovered ${w.recoveryS} s after it ended`;
    return `${what}: errors ${pct(w.before.errorRate)} before, ${pct(w.during.errorRate)} during, ${pct(w.after.errorRate)} after; p99 ${w.before.p99Ms} → ${w.during.p99Ms} → ${w.after.p99Ms} ms; ${recovery}${restart}`;
  });
  lines.push(`retries: ${f.clientRetries} by the client (same key), ${f.serviceRetries} inside the system (${f.retriesRefused} refused by the retry budget); ` +
    `${f.failedCheckouts} checkout(s) finally failed, ${f.failedButPlaced} of them placed anyway${f.failedButPlaced ? ' — BROKEN: the client was told it failed' : ''}`);
  return lines;
}

function viaK6(targetUrl: string, s: Scenario, runTag: string, onProgress: Parameters<DriveFn>[3]) {
  return runK6(s, { targetUrl, runTag, outDir, onProgress });
}

function describePlan(): string {
  const parts = [];
  if (values.target) parts.push(`driving ${values.target}`);
  if (openCells.length) parts.push(`${openCells.length} cell(s) × ~${cellS} s of ${scenario.name} (${describeArrival(scenario)}), driver ${drive === builtinDrive ? 'builtin' : 'k6'}`);
  if (floored.length) parts.push(`a bare chain beside ${floored.length} remote wiring(s)`);
  if (saturated.length) parts.push(`saturation of ${saturated.length} wiring(s) (autocannon, ${SATURATION.connections} in flight)`);
  if (swept.length) parts.push(`a ${SWEEP_FRACTIONS.length}-point sweep of ${swept.length} wiring(s)`);
  return `${parts.join('; ')}; ~${clock(plannedS)} planned`;
}

function summaryOf(d: DriverResult): string {
  const all = d.workflows.find((w) => w.workflow === 'all');
  const lb = all && isLowerBound(all);
  return `p50 ${atLeast(`${all?.latencyMs.p50.toFixed(2)} ms`, lb)}, p99 ${atLeast(`${all?.latencyMs.p99.toFixed(2)} ms`, lb)}, ${d.achievedRps.toFixed(0)} of ${d.offeredRps.toFixed(0)} req/s` +
    (d.dropped ? `, ${d.dropped} dropped` : '');
}

function printSummary(run: RunResult) {
  const e = run.environment;
  console.log(`\n${e.cores} × ${e.cpuModel}, node ${e.node}, load average ${e.loadAverage.join(' ')} at start`);
  if (run.cells.length) {
    const { lines, rows } = wiringTable(run);
    console.log(`${describeArrival(scenario)}; ${lines[0]}`);
    for (const line of lines.slice(1)) console.log(line);
    if (rows.some((r) => Number.isFinite(r.usd))) console.log(`  $/M orders: the measured use of every process and the database at ${prices.file}'s list prices (the bill of npm run advise: the report's cost table states its method)`);
    if (rows.some((r) => r.lowerBound)) console.log(`  ≥: over ${LOWER_BOUND_SHARE * 100} % of a trial's sends were dropped or timed out (counted in errors): the percentile is a lower bound`);
    const warnings = [...new Set(run.cells.flatMap((c) => c.driver.warnings.map((w) => `${c.wiring}: ${w}`)))];
    for (const w of warnings) console.log(`  ! ${w}`);
  }
  for (const line of floorSummary(run)) console.log(line);
  if (run.saturation?.length) {
    console.log(`\nsaturation (closed model, ${SATURATION.connections} in flight, ${scenario.name} mix; one run per wiring: no interval, so no ratio)`);
    console.log('wiring            max req/s   p99 ms   CPU s/1k req  errors  invariants');
    for (const r of run.saturation) {
      console.log(`${r.wiring.padEnd(18)}${r.maxRps.toFixed(0).padStart(9)}${atLeast(r.latencyMs.p99.toFixed(1), r.lowerBound).padStart(9)}${r.cost.cpuSPer1kRequests.toFixed(3).padStart(15)}${String(r.errors).padStart(8)}  ${r.invariants.ok ? 'OK' : 'BROKEN'}`);
    }
  }
  if (run.sweep?.length) {
    console.log('\nlatency vs offered load (open model): p99 ms at each fraction of the monolith\'s maximum');
    const fractions = [...new Set(run.sweep.map((p) => p.fraction))];
    console.log(`wiring            ${fractions.map((f) => `${Math.round(f * 100)} %`.padStart(10)).join('')}`);
    for (const wiring of new Set(run.sweep.map((p) => p.wiring))) {
      const cells = fractions.map((f) => run.sweep!.find((p) => p.wiring === wiring && p.fraction === f));
      console.log(`${wiring.padEnd(18)}${cells.map((p) => (p ? atLeast(p.latencyMs.p99.toFixed(1), p.lowerBound) + (p.achievedRps < 0.95 * p.offeredRps ? '*' : '') : '—').padStart(10)).join('')}`);
    }
    console.log('  * achieved less than 95 % of the offered rate: past this wiring\'s knee; ≥: over 1 % dropped or timed out, a lower bound');
  }
  if (run.micro.length) {
    console.log('\nmicro (one call, 1 in flight)          p50 µs     p99 µs    ops/s');
    for (const m of run.micro) {
      if (m.kind === 'outbox') console.log(`${m.name.padEnd(36)}${`${m.events} events drained in ${m.durationS.toFixed(2)} s`.padStart(30)}${m.eventsPerS.toString().padStart(9)} events/s${m.invariantsOk ? '' : '  invariants BROKEN'}`);
      else console.log(`${m.name.padEnd(36)}${m.p50Us.toFixed(1).padStart(10)}${m.p99Us.toFixed(1).padStart(11)}${Math.round(m.opsPerS).toString().padStart(9)}`);
    }
  }
}
