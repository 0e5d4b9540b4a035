// npm run relay-bench: events per second each wiring's outbox relay drains from a backlog (the same
// rows as the "outbox" part of npm run bench's micro table).
import { openDatabases, DB_HELP } from '../targets/db/connect.js';
import { SERVICES } from '../targets/services.js';
import { parseWiring } from '../targets/wirings/placement.js';
import { args, fail, intFlag, log, onShutdown } from './cli.js';
import { environment } from './bench/environment.js';
import { progress } from './bench/progress.js';
import { RELAY_BENCH_DEFAULT_EVENTS, RELAY_BENCH_WIRINGS, runRelayBench } from './bench/relay-bench.js';

const USAGE = `usage: npm run relay-bench -- [--events N] [--wirings a,b,…] [--db …]
  --events N       backlog size, order.created + order.paid (default ${RELAY_BENCH_DEFAULT_EVENTS})
  --wirings a,b    default: ${RELAY_BENCH_WIRINGS.join(',')}
  --db <…>         ${DB_HELP}`;

const { values } = args({ events: { type: 'string' }, wirings: { type: 'string' }, db: { type: 'string', default: 'embedded' } }, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
const events = intFlag(values.events, 'events', RELAY_BENCH_DEFAULT_EVENTS, 2);
const wirings = values.wirings ? values.wirings.split(',').map((w) => w.trim()).filter(Boolean) : RELAY_BENCH_WIRINGS;
for (const w of wirings) { try { parseWiring(w); } catch (e) { fail(`--wirings "${w}": ${(e as Error).message}`, 2); } }

const shutdown = onShutdown();
const bar = progress();
const env = environment();
try {
  log(`relay benchmark: ${events} events per wiring, ${wirings.join(', ')}; ${env.cores} × ${env.cpuModel}, node ${env.node}, load ${env.loadAverage.join(' ')}`);
  const db = await openDatabases(values.db, SERVICES.domains, log);
  shutdown.add(db.stop);
  let broken = false;
  for (const wiring of wirings) {
    let drainStart: { at: number; left: number } | undefined;
    const { row, invariants } = await runRelayBench({
      wiring, events, urls: db.urls, onStop: (stop) => shutdown.add(stop),
      onProgress: (p) => {
        const left = p.remainingEvents ?? 0;
        if (p.phase === 'drain') drainStart ??= { at: Date.now(), left };
        const doneS = drainStart ? (Date.now() - drainStart.at) / 1000 : 0;
        const rate = drainStart && doneS > 0 ? (drainStart.left - left) / doneS : 0;
        const eta = rate > 0 ? ` · ~${(left / rate).toFixed(0)} s left` : '';
        bar.update(`${wiring} · ${p.phase} · elapsed ${p.elapsedS.toFixed(1)} s · ${left} events left${rate > 0 ? ` · ${Math.round(rate)} events/s` : ''}${eta}`);
      },
    });
    broken ||= !invariants.ok;
    bar.done(`${wiring}: ${row.events} events in ${row.durationS.toFixed(2)} s = ${row.eventsPerS} events/s (batches of ${row.batchSize}), invariants ${invariants.ok ? 'OK' : 'BROKEN'}`);
    for (const c of invariants.checks.filter((c) => !c.ok)) log(`  ${c.name}: ${c.detail}`);
  }
  await shutdown.run(broken ? 1 : 0);
} catch (e) {
  bar.done();
  log(`error: ${(e as Error).message}`);
  await shutdown.run(1);
}
