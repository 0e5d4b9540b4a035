// The relay benchmark: how many events per second one wiring's outbox relay delivers from a backlog.
// Fresh seeded databases, the wiring started (its relay idle), a backlog written at once, then drained
// to the last event with every invariant checked.
import pg from 'pg';
import type { DbUrls } from '../../targets/db/domains.js';
import { checkInvariants, type InvariantReport } from '../../targets/db/invariants.js';
import { prepareDatabases } from '../../targets/db/prepare.js';
import { DEFAULT_SEED } from '../../targets/db/seed-data.js';
import { RELAY_DEFAULTS } from '../../targets/domains/commerce/order/relay.js';
import { SERVICES } from '../../targets/services.js';
import { startWiring } from '../../targets/wirings/supervisor.js';
import { writeBacklog } from './outbox-backlog.js';
import type { PhaseProgress } from './progress.js';
import type { OutboxMicroRow } from '../../results/run.js';

export const RELAY_BENCH_DEFAULT_EVENTS = 50_000;
export const RELAY_BENCH_WIRINGS = ['monolith', 'services/grpc'];
/** A drain that delivers nothing for this long has stalled: the benchmark fails instead of waiting for ever. */
const STALL_S = 30;

type RelayPhase = 'seed' | 'start' | 'backlog' | 'drain' | 'invariants';

export async function runRelayBench(opts: { wiring: string; events: number; urls: DbUrls; onProgress?: (p: PhaseProgress<RelayPhase>) => void; onStop?: (stop: () => Promise<void>) => void }): Promise<{ row: OutboxMicroRow; invariants: InvariantReport }> {
  if (!Number.isInteger(opts.events) || opts.events < 2) throw new Error(`relay benchmark: events must be an integer ≥ 2, got ${opts.events}`);
  const started = Date.now();
  const progress = (phase: RelayPhase, remainingEvents: number) =>
    opts.onProgress?.({ phase, elapsedS: (Date.now() - started) / 1000, remainingS: Number.NaN, remainingEvents });
  progress('seed', opts.events);
  await prepareDatabases(opts.urls, SERVICES, DEFAULT_SEED);
  progress('start', opts.events);
  const wiring = await startWiring({ wiring: opts.wiring, dbUrls: opts.urls });
  opts.onStop?.(wiring.stop);
  const commerce = new pg.Client({ connectionString: opts.urls.commerce });
  try {
    await commerce.connect();
    progress('backlog', opts.events);
    const { events, committedAt } = await writeBacklog(opts.urls, Math.ceil(opts.events / 2), DEFAULT_SEED);
    let remaining = events;
    let lastChange = Date.now();
    while (remaining > 0) {
      await new Promise((r) => setTimeout(r, 100));
      const left = (await commerce.query('SELECT count(*)::int AS n FROM "order".outbox WHERE done_at IS NULL')).rows[0].n as number;
      if (left < remaining) lastChange = Date.now();
      remaining = left;
      progress('drain', remaining);
      if (Date.now() - lastChange > STALL_S * 1000) throw new Error(`${opts.wiring}: the relay delivered nothing for ${STALL_S} s with ${remaining} of ${events} events left`);
      const death = await Promise.race([wiring.died, Promise.resolve(undefined)]);
      if (death) throw new Error(death);
    }
    const { rows } = await commerce.query('SELECT max(done_at) AS last FROM "order".outbox');
    const durationS = ((rows[0].last as Date).getTime() - committedAt.getTime()) / 1000;
    progress('invariants', 0);
    const invariants = await checkInvariants(opts.urls, SERVICES);
    return {
      row: {
        name: `outbox relay, ${opts.wiring}`, kind: 'outbox', transport: opts.wiring, events, durationS: Math.round(durationS * 1000) / 1000,
        eventsPerS: Math.round(events / durationS), batchSize: RELAY_DEFAULTS.batchSize, invariantsOk: invariants.ok,
      },
      invariants,
    };
  } finally {
    await commerce.end().catch(() => {});
    await wiring.stop();
  }
}
