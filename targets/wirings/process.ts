// Entry point of every service process, configured by its environment (process-env.ts) whoever starts it:
// - forked by the supervisor (an IPC channel exists): ready → go (start background loops) → stats on
//   demand → SIGTERM; it also stops when the supervisor goes away, so no process outlives its run;
// - standalone, in a container (compose, Kubernetes): background loops start once the process is first
//   ready (its databases and peers reachable); it runs until SIGTERM.
// Either way SIGTERM is the same graceful stop (host.ts), and the exit code says whether it left
// anything open: 0 clean, 1 otherwise.
import { STOP_DEADLINE_MS, startGroup, type RunningGroup } from './host.js';
import { specFromEnv } from './process-env.js';
import { ownStats, type OwnStats } from './process-stats.js';

export type ToChild = { type: 'go' } | { type: 'stats'; id: number } | { type: 'reset'; id: number };
export type FromChild =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | ({ type: 'stats'; id: number } & OwnStats);

const send = (m: FromChild) => process.send?.(m);
/** How often a standalone process asks itself whether it is ready to start its background loops. */
const READY_POLL_MS = 500;

async function main() {
  const spec = specFromEnv(process.env);
  const group = await startGroup(spec);
  const supervised = process.send !== undefined;
  keepServingOnStrayRejections(spec.group);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      process.stderr.write(`${spec.group}: stop took longer than ${STOP_DEADLINE_MS} ms; exiting anyway\n`);
      process.exit(1);
    }, STOP_DEADLINE_MS);
    force.unref();
    let clean = true;
    await group.stop().catch((e) => { clean = false; process.stderr.write(`${spec.group}: stop: ${(e as Error).message}\n`); });
    const open = await openSockets();
    if (open.length) process.stderr.write(`${spec.group}: still open after stop: ${open.join(', ')}\n`);
    process.exit(clean && open.length === 0 ? 0 : 1);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  if (supervised) followSupervisor(group, stop);
  else startLoopsWhenReady(group, () => stopping);
  send({ type: 'ready' });
}

/**
 * Installed only once the process serves, so a failed start still ends it (main's catch, exit 1).
 * Every listener's handlers are guarded (http-io.ts guarded, the gRPC handler's try): a rejection
 * that still escapes is a promise nobody awaited, scoped to one request or one background tick, and is
 * logged while the process keeps serving. A synchronous throw that reaches the top is not request-scoped
 * (an event emitter without an error listener, a broken invariant of our own code): Node's default
 * stays — log the stack and exit non-zero — so the supervisor reports the death instead of a wiring
 * serving on in an unknown state.
 */
function keepServingOnStrayRejections(group: string) {
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`${group}: unhandled rejection (process keeps serving): ${(reason as Error)?.stack ?? String(reason)}\n`);
  });
}

function followSupervisor(group: RunningGroup, stop: () => Promise<void>) {
  process.on('disconnect', () => void stop());
  process.on('message', (m: ToChild) => {
    if (m.type === 'go') group.startLoops();
    if (m.type === 'reset') { group.recorder.reset(); send({ type: 'stats', id: m.id, edges: [], cpuUs: 0, rssBytes: 0, maxRssBytes: 0 }); }
    if (m.type === 'stats') send({ type: 'stats', id: m.id, ...ownStats(group.recorder) });
  });
}

/** Without a supervisor to say "go": the loops (e.g. the outbox relay) start once the peers they call are reachable. */
function startLoopsWhenReady(group: RunningGroup, stopping: () => boolean) {
  const poll = async () => {
    if (stopping()) return;
    if ((await group.readiness()).ready) return stopping() ? undefined : group.startLoops();
    setTimeout(() => void poll(), READY_POLL_MS);
  };
  void poll();
}

/** TCP sockets and listeners still open (closed handles take a few ticks to go): a clean stop leaves none. */
async function openSockets(settleMs = 1_000): Promise<string[]> {
  const until = Date.now() + settleMs;
  for (;;) {
    const open = process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
    if (open.length === 0 || Date.now() >= until) return open;
    await new Promise((r) => setTimeout(r, 20));
  }
}

main().catch((e) => {
  send({ type: 'error', message: `failed to start: ${(e as Error).message}` });
  process.stderr.write(`service process failed to start: ${(e as Error).message}\n`);
  setTimeout(() => process.exit(1), 50);
});
