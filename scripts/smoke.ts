// npm run smoke (and, until the load driver lands, npm run bench): 200 checkouts through each of
// the five headline wirings, then the invariants. Latency here is closed-loop service time from
// this process — a smoke signal, not the benchmark's open-model measurement.
import os from 'node:os';
import { Pool } from 'undici';
import { customerOfCheckout, checkoutRequest, returnRequest } from '../scenarios/requests.js';
import { DB_HELP, openDatabases } from '../targets/db/connect.js';
import { describeInvariants } from '../targets/db/invariant-report.js';
import { checkInvariants } from '../targets/db/invariants.js';
import { prepareDatabases } from '../targets/db/prepare.js';
import { DEFAULT_SEED } from '../targets/db/seed-data.js';
import { SERVICES } from '../targets/services.js';
import { HEADLINE_WIRINGS } from '../targets/wirings/placement.js';
import { startWiring } from '../targets/wirings/supervisor.js';
import { args, intFlag, log, onShutdown } from './cli.js';
import { closedLoop, send } from './closed-loop.js';

const USAGE = `usage: npm run smoke -- [--wirings a,b] [--checkouts 200] [--concurrency 4] [--db embedded]\n  ${DB_HELP}`;
const { values } = args({
  wirings: { type: 'string', default: HEADLINE_WIRINGS.join(',') }, checkouts: { type: 'string' },
  concurrency: { type: 'string' }, db: { type: 'string', default: 'embedded' }, skus: { type: 'string' },
}, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

const checkouts = intFlag(values.checkouts, 'checkouts', 200);
const concurrency = intFlag(values.concurrency, 'concurrency', 4);
const size = { ...DEFAULT_SEED, skus: intFlag(values.skus, 'skus', DEFAULT_SEED.skus) };
const wirings = values.wirings!.split(',').filter(Boolean);
const shutdown = onShutdown();

interface Row { wiring: string; processes: number; startupMs: number; ok: number; declined: number; failed: number; p50: number; p99: number; returns: number; invariants: string; invariantsLine: string; }

try {
  const db = await openDatabases(values.db, SERVICES.domains, log);
  shutdown.add(db.stop);
  const rows: Row[] = [];
  const began = Date.now();
  for (const [i, name] of wirings.entries()) {
    log(`[${i + 1}/${wirings.length}] ${name}: seeding… (elapsed ${((Date.now() - began) / 1000).toFixed(0)} s)`);
    await prepareDatabases(db.urls, SERVICES, size);
    const wiring = await startWiring({ wiring: name, dbUrls: db.urls, log });
    shutdown.add(wiring.stop);
    const pool = new Pool(wiring.gatewayUrl, { connections: concurrency });
    try {
      const latenciesMs: number[] = [];
      const counts = { ok: 0, declined: 0, failed: 0, returns: 0 };
      const placed: { orderId: string; n: number }[] = [];
      await closedLoop(pool, checkouts, concurrency, (n) => checkoutRequest(n, size, 'smoke'), (n, res, ms) => {
        latenciesMs.push(ms);
        if (res.status === 201) { counts.ok++; placed.push({ orderId: res.json.orderId, n }); }
        else if (res.status === 402) counts.declined++;
        else { counts.failed++; if (counts.failed <= 3) log(`  checkout ${n}: ${res.status} ${JSON.stringify(res.json)}`); }
        if (n % 50 === 49) log(`  ${name}: ${n + 1}/${checkouts} checkouts`);
      });
      for (const { orderId, n } of placed.slice(0, 10)) {
        const res = await send(pool, returnRequest(orderId, customerOfCheckout(n, size), 'smoke'));
        if (res.status === 201) counts.returns++; else { counts.failed++; log(`  return ${orderId}: ${res.status} ${JSON.stringify(res.json)}`); }
      }
      const report = await checkInvariants(db.urls, SERVICES);
      latenciesMs.sort((a, b) => a - b);
      rows.push({
        wiring: name, processes: wiring.pids.length, startupMs: wiring.startupMs, ...counts,
        p50: percentile(latenciesMs, 50), p99: percentile(latenciesMs, 99), invariants: report.ok ? 'OK' : 'BROKEN', invariantsLine: describeInvariants(report),
      });
    } finally {
      await pool.close();
      await wiring.stop();
    }
  }
  printTable(rows);
  await shutdown.run(rows.every((r) => r.invariants === 'OK' && r.failed === 0) ? 0 : 1);
} catch (e) {
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function printTable(rows: Row[]) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nsmoke: ${checkouts} checkouts per wiring, ${concurrency} in flight (closed loop), node ${process.version}, ${os.cpus().length} × ${cpu}`);
  console.log('wiring          procs  start ms  ok   declined  failed  returns  p50 ms   p99 ms   invariants');
  for (const r of rows) {
    console.log(`${r.wiring.padEnd(16)}${String(r.processes).padStart(5)}${String(r.startupMs).padStart(10)}${String(r.ok).padStart(5)}${String(r.declined).padStart(10)}${String(r.failed).padStart(8)}${String(r.returns).padStart(9)}${r.p50.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}   ${r.invariants}`);
  }
  for (const r of rows) if (r.invariantsLine !== 'OK') console.log(`  ${r.wiring}: invariants ${r.invariantsLine}`);
}
