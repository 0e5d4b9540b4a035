// Entry point of every service process. The supervisor forks it with the spec in SPLITBENCH_SPEC and
// talks to it over IPC: ready → go (start background loops) → stats on demand → SIGTERM.
// It exits by itself when the supervisor goes away, so no process outlives its run.
import { startGroup, type ProcessSpec } from './host.js';

export type ToChild = { type: 'go' } | { type: 'stats'; id: number } | { type: 'reset'; id: number };
export type FromChild =
  | { type: 'ready' }
  | { type: 'failed'; error: string }
  | { type: 'stats'; id: number; edges: ReturnType<import('../kit/hops.js').HopRecorder['stats']>; cpuUs: number; rssBytes: number; maxRssBytes: number };

const send = (m: FromChild) => process.send?.(m);

async function main() {
  const spec = JSON.parse(process.env.SPLITBENCH_SPEC ?? 'null') as ProcessSpec | null;
  if (!spec) throw new Error('SPLITBENCH_SPEC is not set: service processes are started by the supervisor (npm run serve)');
  const group = await startGroup(spec);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code || 1), 8_000);
    force.unref();
    await group.stop().catch((e) => process.stderr.write(`${spec.group}: stop: ${(e as Error).message}\n`));
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  process.on('disconnect', () => void stop(0));
  process.on('message', (m: ToChild) => {
    if (m.type === 'go') group.startLoops();
    if (m.type === 'reset') { group.recorder.reset(); send({ type: 'stats', id: m.id, edges: [], cpuUs: 0, rssBytes: 0, maxRssBytes: 0 }); }
    if (m.type === 'stats') {
      const cpu = process.cpuUsage();
      send({ type: 'stats', id: m.id, edges: group.recorder.stats(), cpuUs: cpu.user + cpu.system, rssBytes: process.memoryUsage().rss, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
    }
  });
  send({ type: 'ready' });
}

main().catch((e) => {
  send({ type: 'failed', error: (e as Error).message });
  process.stderr.write(`service process failed to start: ${(e as Error).message}\n`);
  setTimeout(() => process.exit(1), 50);
});
