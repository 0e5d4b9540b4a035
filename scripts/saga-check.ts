// npm run saga-check -- --wiring services/grpc: the checkout saga under deadlines that expire anywhere on
// its path. One wiring on fresh seeded databases, warm-up checkouts, then checkouts whose x-timeout-ms is
// 20–400 ms by default (a fixed sequence), a fixed number in flight; then every saga settled, the relay drained and
// the invariants checked. Exit 0 when they all hold, 1 when one is broken or no saga reached its pivot
// (the run proved nothing), 2 for a bad flag.
import os from 'node:os';
import { Pool } from 'undici';
import pg from 'pg';
import { medianOrNaN } from '../results/median.js';
import { checkoutRequest } from '../scenarios/requests.js';
import { DB_HELP, openDatabases } from '../targets/db/connect.js';
import { checkInvariants } from '../targets/db/invariants.js';
import { prepareDatabases } from '../targets/db/prepare.js';
import { DEFAULT_SEED } from '../targets/db/seed-data.js';
import { SERVICES } from '../targets/services.js';
import { EXTRACT_HELP, parseWiring } from '../targets/wirings/placement.js';
import { startWiring } from '../targets/wirings/supervisor.js';
import { args, fail, intFlag, log, onShutdown } from './cli.js';
import { closedLoop } from './closed-loop.js';

const USAGE = `usage: npm run saga-check -- [--wiring services/grpc] [--warmup 30] [--checkouts 900] [--concurrency 12] [--timeout-ms 20-400] [--db embedded]
  wirings: any of npm run serve's, or ${EXTRACT_HELP}
  database: ${DB_HELP}
  exit 0 when every invariant holds after the run, 1 when one is broken or no checkout reached its
  authorization (deadlines too short for this machine: widen --timeout-ms), 2 for a bad flag`;
const { values } = args({
  wiring: { type: 'string', default: 'services/grpc' }, warmup: { type: 'string' }, checkouts: { type: 'string' },
  concurrency: { type: 'string' }, 'timeout-ms': { type: 'string', default: '20-400' }, db: { type: 'string', default: 'embedded' },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
try { parseWiring(values.wiring!); } catch (e) { fail(`--wiring: ${(e as Error).message}`, 2); }
const warmup = intFlag(values.warmup, 'warmup', 30, 0);
const checkouts = intFlag(values.checkouts, 'checkouts', 900);
const concurrency = intFlag(values.concurrency, 'concurrency', 12);
/** The deadlines: spread over the whole checkout path, from before the reservation to after the order. */
const TIMEOUT_MS = timeoutRange(values['timeout-ms']!);
const timeoutOf = (n: number) => TIMEOUT_MS.min + ((n * 7_919) % (TIMEOUT_MS.max - TIMEOUT_MS.min + 1));
/** Sagas past their pivot keep going after their caller gave up: how long they may take to settle. */
const SETTLE_WAIT_MS = 120_000;

const shutdown = onShutdown();
const began = Date.now();
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
let phase = 'starting';
let remaining = () => 'unknown';
const progress = setInterval(() => log(`saga-check ${values.wiring}: ${phase}, elapsed ${seconds(Date.now() - began)}, remaining ${remaining()}`), 2_000);
progress.unref();
const enter = (name: string, left: () => string = () => 'unknown') => { phase = name; remaining = left; log(`saga-check ${values.wiring}: ${name} (elapsed ${seconds(Date.now() - began)})`); };

try {
  console.log(`saga-check on ${os.hostname()}: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`);
  const db = await openDatabases(values.db, SERVICES.domains, log);
  shutdown.add(db.stop);
  enter('seeding');
  await prepareDatabases(db.urls, SERVICES, DEFAULT_SEED);
  enter('starting the wiring');
  const wiring = await startWiring({ wiring: values.wiring!, dbUrls: db.urls, log });
  shutdown.add(wiring.stop);
  void wiring.died.then((why) => { log(`${why}; stopping`); void shutdown.run(1); });
  const pool = new Pool(wiring.gatewayUrl, { connections: concurrency });
  shutdown.add(() => pool.close());

  enter(`warm-up (${warmup} checkouts)`);
  const warmMs: number[] = [];
  const warm = await closedLoop(pool, warmup, concurrency, (n) => checkoutRequest(n, DEFAULT_SEED, 'saga-warmup'), (_n, _a, ms) => warmMs.push(ms));
  const warmMedianMs = medianOrNaN(warmMs);
  const loadBegan = Date.now();
  let done = 0;
  enter(`${checkouts} checkouts, x-timeout-ms ${TIMEOUT_MS.min}–${TIMEOUT_MS.max}, ${concurrency} in flight`,
    () => (done === 0 ? 'unknown' : `≈ ${seconds(((Date.now() - loadBegan) / done) * (checkouts - done))} (${done}/${checkouts} answered)`));
  const load = await closedLoop(pool, checkouts, concurrency, (n) => {
    const r = checkoutRequest(n, DEFAULT_SEED, 'saga');
    return { ...r, headers: { ...r.headers, 'x-timeout-ms': String(timeoutOf(n)) } };
  }, () => { done++; });
  const loadMs = Date.now() - loadBegan;

  enter('waiting for every saga to settle', () => `at most ${seconds(SETTLE_WAIT_MS)}`);
  const unsettled = await waitForSettled(db.urls.commerce, db.urls.postpurchase);
  enter('waiting for the relay to drain, then the invariants', () => 'at most 120 s');
  const report = await checkInvariants(db.urls, SERVICES);

  console.log(`\n${values.wiring}: warm-up ${JSON.stringify(warm)}, median ${warmMedianMs.toFixed(1)} ms; ${checkouts} checkouts in ${seconds(loadMs)}: ${JSON.stringify(load)}`);
  const pivots = await pastThePivot(db.urls.commerce);
  console.log(`past the pivot (load only): ${pivots.authorized} authorizations, ${pivots.placed} orders placed, ${pivots.voided} voided; `
    + `sagas unsettled after waiting (up to ${seconds(SETTLE_WAIT_MS)}): ${unsettled}; relay ${report.outbox?.state ?? 'unknown'}`);
  for (const c of report.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`);
  // A run in which no saga reached its pivot proved nothing about the saga: it fails, saying what to try.
  const inconclusive = pivots.authorized === 0;
  if (inconclusive) console.log(`FAIL  no checkout of the load reached its authorization: the deadlines are too short for this machine now (its warm-up median was ${warmMedianMs.toFixed(0)} ms: try --timeout-ms ${Math.max(1, Math.round(warmMedianMs / 10))}-${Math.round(warmMedianMs * 0.7)})`);
  if (unsettled > 0) console.log(`FAIL  ${unsettled} saga(s) still PENDING after ${seconds(SETTLE_WAIT_MS)}`);
  const ok = report.ok && !inconclusive && unsettled === 0;
  console.log(`saga-check ${values.wiring}: ${ok ? 'OK' : report.ok ? 'INCONCLUSIVE' : 'BROKEN'} in ${seconds(Date.now() - began)}`);
  clearInterval(progress);
  await shutdown.run(ok ? 0 : 1);
} catch (e) {
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}

/** "20-400": the range of x-timeout-ms; exit 2 naming the flag otherwise. */
function timeoutRange(text: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(text);
  const [min, max] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(min >= 1 && max >= min && max <= 60_000)) fail(`--timeout-ms "${text}": expected <min>-<max> milliseconds, 1 ≤ min ≤ max ≤ 60000, e.g. 20-400`, 2);
  return { min, max };
}

/** How many of the load's checkouts got past the pivot, and how they ended. */
async function pastThePivot(commerceUrl: string) {
  const c = new pg.Client({ connectionString: commerceUrl });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT count(*)::int AS authorized, count(*) FILTER (WHERE stage = 'PLACED')::int AS placed,
                                           count(*) FILTER (WHERE stage = 'VOIDED')::int AS voided
                                    FROM checkout.attempts WHERE idempotency_key LIKE 'saga-checkout-%' AND stage IS NOT NULL`);
    return rows[0] as { authorized: number; placed: number; voided: number };
  } finally {
    await c.end();
  }
}

/** Waits until no checkout attempt or return is still PENDING; answers how many are, at the end. */
async function waitForSettled(commerceUrl: string, postpurchaseUrl: string): Promise<number> {
  const commerce = new pg.Client({ connectionString: commerceUrl });
  const postpurchase = new pg.Client({ connectionString: postpurchaseUrl });
  await commerce.connect();
  await postpurchase.connect();
  try {
    const until = Date.now() + SETTLE_WAIT_MS;
    for (;;) {
      const pending = (await commerce.query(`SELECT count(*)::int AS n FROM checkout.attempts WHERE status = 'PENDING'`)).rows[0].n
        + (await postpurchase.query(`SELECT count(*)::int AS n FROM "return".returns WHERE status = 'PENDING'`)).rows[0].n;
      if (pending === 0 || Date.now() > until) return pending;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await commerce.end();
    await postpurchase.end();
  }
}
