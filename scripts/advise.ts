// npm run advise: "should we extract it?" — for each candidate service, the monolith against
// extract:<service>/<transport> measured in one run (interleaved), its marginal cost in latency, CPU,
// memory, crossing calls and dollars, a ranking, and the greedy ladder up to services/<transport>.
// Writes results/<run-id>/advise.json and its Extraction page.
import fs from 'node:fs';
import path from 'node:path';
import { loadScenario, ScenarioError, type Scenario } from '../scenarios/scenario.js';
import { linkProfile, type LinkProfile } from '../scenarios/links.js';
import { loadPrices, type PriceTable } from '../scenarios/prices.js';
import { cellDatabases } from '../targets/db/cell-start.js';
import { DB_HELP, openDatabases } from '../targets/db/connect.js';
import { SERVICES } from '../targets/services.js';
import { REMOTE_TRANSPORT_NAMES } from '../targets/kit/transports/index.js';
import { startToxiproxy } from '../targets/wirings/toxiproxy.js';
import { ADVISE_SCHEMA_VERSION, type AdviseResult, type Ladder } from '../results/advise.js';
import { describeBill } from '../results/bill.js';
import { generateAdvisePage } from '../reports/generate.js';
import { builtinDrive } from './bench/driver-process.js';
import { environment } from './bench/environment.js';
import { addsNothing, applyLink } from './bench/link-profile.js';
import { hopFloor } from './bench/micro.js';
import { measureProxyCost } from './bench/proxy-cost.js';
import { clock, progress, rateAndP99 } from './bench/progress.js';
import { describeArrival, shapeScenario } from './bench/shape-scenario.js';
import { medianOrNaN as median } from '../results/median.js';
import { withinNoise } from '../results/advise.js';
import { ladderOrder } from '../results/advise-rank.js';
import { CANDIDATES_PER_MONOLITH, EXTRACTABLE } from './advise/plan.js';
import { plannedCells, runStudy } from './advise/study.js';
import { args, fail, log, onShutdown } from './cli.js';

const PROFILES = {
  /** ≤ 10 minutes on 2 cores for all 20 candidates and the ladder: one short trial each, wide intervals. */
  quick: { durationS: 5, warmupS: 2, trials: 1 },
  /** Two trials per candidate, 10 s each. */
  default: { durationS: 10, warmupS: 3, trials: 2 },
  /** Three 20 s trials per candidate: intervals narrow enough to rank more than the outliers (README: its length here). */
  full: { durationS: 20, warmupS: 5, trials: 3 },
} as const;
type Profile = keyof typeof PROFILES;
/** Two-sided: 5 % of the interval's promise left on each side. */
const CONFIDENCE = 0.9;
/** Per cell beyond its load: fresh databases, start, invariants, stop (measured ~3 s, more with more processes). */
const cellOverheadS = (processes: number) => 3 + 0.15 * processes;

const USAGE = `usage: npm run advise -- [options]
  --profile quick|default|full   quick: ≤ 10 min on 2 cores (1 trial × ${PROFILES.quick.durationS} s per candidate); default: ${PROFILES.default.trials} × ${PROFILES.default.durationS} s; full: ${PROFILES.full.trials} × ${PROFILES.full.durationS} s
  --transport ${REMOTE_TRANSPORT_NAMES.join('|')}         how an extracted service is called (default: grpc)
  --services a,b,…               the candidates (default: every service but the gateway: ${EXTRACTABLE.length})
  --link p1,p2,…                 link profiles from scenarios/links.json, each a full study (default: same-host)
  --links <file.json>            read link profiles from this file instead
  --prices <file.json>           a price table of your own (default: scenarios/prices.json)
  --scenario <name|file.json>    the workload (default: advise-mix, a shop's realistic mix)
  --no-ladder                    only the candidates, not the greedy ladder
  --out <dir>                    advise.json there, its page in <dir>/report/ (default: results/<run-id>, page in reports/<run-id>/)
  --db <…>                       ${DB_HELP}`;

const { values } = args({
  profile: { type: 'string', default: 'quick' }, transport: { type: 'string', default: 'grpc' }, services: { type: 'string' },
  link: { type: 'string', default: 'same-host' }, links: { type: 'string' }, prices: { type: 'string' }, scenario: { type: 'string', default: 'advise-mix' },
  'no-ladder': { type: 'boolean', default: false }, out: { type: 'string' }, db: { type: 'string', default: 'embedded' },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

if (!(values.profile! in PROFILES)) fail(`--profile "${values.profile}": expected one of ${Object.keys(PROFILES).join(', ')}`, 2);
const profile = PROFILES[values.profile as Profile];
const transport = values.transport!;
if (!REMOTE_TRANSPORT_NAMES.includes(transport)) fail(`--transport "${transport}": expected one of ${REMOTE_TRANSPORT_NAMES.join(', ')}`, 2);
const services = values.services ? values.services.split(',').filter(Boolean) : EXTRACTABLE;
for (const s of services) {
  if (s === 'gateway') fail('--services: gateway hosts the front door and stays in the main process; it cannot be extracted', 2);
  if (!SERVICES.names.includes(s)) fail(`--services: unknown service "${s}"; services are: ${EXTRACTABLE.join(', ')}`, 2);
}
if (new Set(services).size !== services.length) fail(`--services: "${values.services}" names a service twice`, 2);
let links: LinkProfile[];
let prices: PriceTable;
let scenario: Scenario;
let durations: string;
try {
  links = values.link!.split(',').filter(Boolean).map((name) => linkProfile(name, values.links));
  if (!links.length) throw new Error('--link: expected at least one profile name');
  prices = loadPrices(values.prices);
  const shaped = shapeScenario(loadScenario(values.scenario!), {
    explicitFile: values.scenario!.endsWith('.json'), profileName: values.profile!, profile, durationS: undefined, rateRps: undefined,
  });
  ({ scenario, durations } = shaped);
  if (scenario.faults.length) throw new ScenarioError(`--scenario ${scenario.name}: it has faults; a study measures what an extraction costs when nothing fails (npm run bench measures faults)`);
} catch (e) {
  fail((e as Error).message, 2);
}
const ladder = !values['no-ladder'] && services.length > 1;

const env = environment();
const runId = `${env.startedAt.replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-advise-${values.profile}`;
const outDir = path.resolve(values.out ?? path.join('results', runId));
const shutdown = onShutdown();
const bar = progress();
const began = Date.now();
const planned = plannedCells({ services, transport, links, trials: profile.trials, ladder });
const loadS = scenario.warmupS + scenario.durationS;
let leftS = planned * (loadS + cellOverheadS(2)) + (ladder ? links.length * 10 * 0.15 * services.length : 0);

try {
  log(`splitbench ${runId}: ${services.length} candidate(s) over ${transport}, ${links.map((l) => l.name).join(', ')}; ${planned} cells of ${scenario.name}` +
    ` (${describeLoad(scenario)}), a monolith trial between every ${CANDIDATES_PER_MONOLITH} candidates${ladder ? ', then the ladder' : ''}; ~${clock(leftS)} planned; ${env.cores} × ${env.cpuModel}, node ${env.node}`);
  log(`${scenario.name}: ${durations}`);
  const db = await openDatabases(values.db!, SERVICES.domains, log);
  shutdown.add(db.stop);
  bar.update('databases · seeding');
  const fresh = await cellDatabases(db, SERVICES, scenario.seed, log);
  bar.update(`one ${transport} hop alone · measuring`);
  const floor = await hopFloor(transport, 0.5);
  log(`one ${transport} hop alone (no database, 1 in flight): ${Math.round(floor.p50Us)} µs p50, ${Math.round(floor.p99Us)} µs p99 over ${floor.samples} calls — the floor of a boundary`);
  const linked = links.some((l) => !addsNothing(l));
  const toxiproxy = linked ? await startToxiproxy({ log }) : undefined;
  if (toxiproxy) shutdown.add(toxiproxy.stop);
  const proxy = toxiproxy ? await measureProxyCost(toxiproxy) : undefined;
  if (proxy) log(`Toxiproxy ${toxiproxy!.version}: one proxy with no toxic adds ${proxy.addedUs.p50} µs p50, ${proxy.addedUs.p99} µs p99 per round trip; ${links.filter((l) => !addsNothing(l)).map((l) => `${l.name} applies ${applyLink(l).rttMs} ± ${applyLink(l).jitterMs} ms (whole ms)`).join('; ')}`);

  let label = '';
  const study = await runStudy({
    services, transport, links, prices, scenario, trials: profile.trials, ladder, confidence: CONFIDENCE, db, fresh, toxiproxy, drive: builtinDrive,
    runTag: runId, onStop: (stop) => shutdown.add(stop),
    onCell: (slot, done, total) => { label = `[${done + 1}/${total}] ${slot.link} ${slot.role} ${slot.role === 'monolith' ? `trial ${slot.trial}` : slot.extracted.length > 3 ? `${slot.extracted.length} extracted` : slot.extracted.join(',')}`; },
    onPhase: (phase) => bar.update(`${label} · ${phase} · elapsed ${clock((Date.now() - began) / 1000)} · ~${clock(Math.max(0, leftS))} left`),
    onProgress: (p) => bar.update(`${label} · ${p.phase} ${Math.round(p.elapsedS)}/${Math.round(p.elapsedS + p.remainingS)} s · elapsed ${clock((Date.now() - began) / 1000)} · ~${clock(Math.max(0, leftS))} left${rateAndP99(p)}`),
    onMeasured: (cell) => {
      leftS -= loadS + cellOverheadS(cell.processes);
      const w = cell.driver.workflows.find((x) => x.workflow === 'checkout') ?? cell.driver.workflows.find((x) => x.workflow === 'all')!;
      bar.done(`${label}: ${cell.wiring}, ${w.workflow} p50 ${w.latencyMs.p50.toFixed(2)} ms, p99 ${w.latencyMs.p99.toFixed(2)} ms, CPU ${cell.cost.cpuSPer1kRequests.toFixed(2)} s/1k req, invariants ${cell.invariants.ok ? 'OK' : 'BROKEN'}`);
    },
  });

  const checkouts = Math.round(median(study.cells.map((c) => c.driver.workflows.find((w) => w.workflow === 'checkout')?.latencyMs.count ?? 0)));
  const result: AdviseResult = {
    schemaVersion: ADVISE_SCHEMA_VERSION, runId, environment: env,
    config: {
      profile: values.profile!, transport, services, links, prices, scenario, trials: profile.trials, ladder, confidence: CONFIDENCE,
      method: method(floor.p50Us, proxy?.addedUs.p50),
      precision: `${profile.trials} trial(s) of ${scenario.durationS} s per candidate after ${scenario.warmupS} s warm-up: about ${checkouts} checkouts per trial, so a trial's checkout p99 is its ${fromTop(Math.max(1, checkouts - Math.ceil(0.99 * checkouts) + 1))} answer` +
        ` and a difference smaller than the interval shown cannot be told from noise; ${values.profile === 'quick' ? 'the quick profile ranks what stands out, not neighbours (use --profile full for that)' : 'rank neighbours only where their intervals part'}.`,
    },
    cells: study.cells, candidates: study.candidates, ladders: study.ladders, hopFloor: { transport, p50Us: floor.p50Us, p99Us: floor.p99Us, samples: floor.samples },
    ...(proxy && { proxy }),
    finishedAt: new Date().toISOString(),
  };
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'advise.json');
  fs.writeFileSync(file, JSON.stringify(result, null, 1));
  printSummary(result);
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  try {
    console.log(`report: ${path.relative(process.cwd(), generateAdvisePage(file, values.out ? path.join(outDir, 'report') : undefined))}`);
  } catch (e) {
    log(`report not written: ${(e as Error).message}`);
  }
  const broken = study.cells.some((c) => !c.invariants.ok);
  if (broken) log('invariants BROKEN in at least one cell: see advise.json');
  await shutdown.run(broken ? 1 : 0);
} catch (e) {
  bar.done();
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}

function method(floorUs: number, proxyUs: number | undefined): string {
  return `Each candidate: monolith vs extract:<service>/${transport} (the monolith plus that one service in a process of its own), every cell from fresh databases, ` +
    `the monolith measured between every ${CANDIDATES_PER_MONOLITH} candidates and each candidate compared with the monolith trials just before and after it. ` +
    `Open model (${describeLoad(scenario)}), latency from the intended send time, warm-up excluded. A delta is candidate ÷ the geometric mean of its neighbours, in logs; ` +
    `its ${CONFIDENCE * 100} % interval uses the trial-to-trial spread of the monolith in this run (half the mean squared difference of successive trials, so slow drift is not noise), pooled with repeated candidates' own, with Student's t; a candidate is assumed to vary as much, in proportion, as the monolith. ` +
    `CPU: every service process plus the database, per 1,000 requests. Calls crossing: the measured edges between the processes (events: the outbox relay's deliveries and what event-only subscribers call). ` +
    `Ranking: by what resolved — the checkout (money path) p99 delta where its interval excludes zero, else the p50 delta where that one does; a delta whose interval holds zero counts as no difference, so candidates with nothing resolved tie (equal ranks stay equal); separately by the resolved CPU delta. ` +
    `Ladder: the candidates taken out in ranked order, ties broken by fewer calls crossing per request, then by name; each step measured once. ` +
    `One ${transport} hop alone measured ${Math.round(floorUs)} µs p50 here. Link profiles: Toxiproxy on every process → process boundary, the round trip split over both directions in whole ms` +
    `${proxyUs !== undefined ? `, the proxy itself +${proxyUs} µs p50 per round trip` : ''}; the database stays on loopback in every wiring (it would be as far from the monolith as from a satellite), and so does the driver. ` +
    describeBill(prices);
}

/** The load and the mix, as the console and the method state them. */
function describeLoad(s: Scenario): string {
  return `${describeArrival(s)}, mix ${Object.entries(s.mix).map(([w, n]) => `${w} ${n}`).join(', ')}`;
}

function fromTop(n: number): string {
  return n === 1 ? 'largest' : `${n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`} largest`;
}

function printSummary(r: AdviseResult) {
  const e = r.environment;
  console.log(`\n${e.cores} × ${e.cpuModel}, node ${e.node}, load average ${e.loadAverage.join(' ')} at start; ${r.config.precision}`);
  const signed = (v: number, digits: number) => (Number(Math.abs(v).toFixed(digits)) === 0 ? Math.abs(v).toFixed(digits) : `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(digits)}`);
  const d = (x: { value: number; low: number; high: number }, digits = 1) =>
    `${signed(x.value, digits)} [${signed(x.low, digits)}, ${signed(x.high, digits)}]${withinNoise(x) ? ' ~' : '  '}`;
  for (const link of r.config.links) {
    const rows = ladderOrder(r.candidates.filter((c) => c.link === link.name));
    console.log(`\n${link.name}: ranked by the checkout p99 delta where resolved, else p50; equal ranks: nothing resolved between them (~: within the noise, ${r.config.confidence * 100} % intervals)`);
    table(['rank', 'service', 'ranked by', 'Δp99 checkout ms', 'Δp50 checkout ms', 'ΔCPU s/1k req', 'Δ$/M orders', 'calls/req', 'events/req', 'invariants'], rows.map((c) => {
      const w = c.workflows.find((x) => x.workflow === 'checkout') ?? c.workflows.find((x) => x.workflow === 'all')!;
      return [String(c.rank), c.service, c.rankedBy, d(w.p99Ms), d(w.p50Ms), d(c.cpuSPer1kRequests, 2), signed(c.usdPerMillionOrders.delta, 2),
        String(c.crossing.callsPerRequest), String(c.crossing.eventCallsPerRequest), c.invariantsOk ? 'OK' : 'BROKEN'];
    }), [1, 2]);
  }
  for (const l of r.ladders) printLadder(l, e.cores);
}

function printLadder(l: Ladder, cores: number) {
  console.log(`\n${l.link}: the greedy ladder (cheapest first), each step measured; cores busy: services + database, of ${cores}`);
  table(['procs', 'took out', 'checkout p50 ms', 'p99 ms', 'CPU s/1k req', 'cores busy', '$/M orders', 'invariants'], l.steps.map((s) => [
    String(s.processes), s.added ?? '(monolith)', s.checkout.p50Ms.toFixed(2), s.checkout.p99Ms.toFixed(2), s.cpuSPer1kRequests.toFixed(2),
    s.coresBusy.toFixed(2), s.usdPerMillionOrders.toFixed(2), s.invariantsOk ? 'OK' : 'BROKEN',
  ]));
}

/** Columns as wide as their widest cell; the second and third left-aligned (names), the rest right-aligned (numbers). */
function table(head: string[], rows: string[][], names = [1]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (names.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log([line(head), ...rows.map(line)].join('\n'));
}
