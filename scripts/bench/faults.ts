// Runs a scenario's fault timeline against one started wiring: each fault at its second of the
// measured phase, for its duration, then undone. What a fault hits is resolved here, per wiring: a
// link between two processes (a Toxiproxy proxy, targets/wirings/links.ts), a process's database,
// or a process itself. A fault that has nothing to hit in this wiring is skipped and says why.
import { faultTarget, linkEnds, type Fault } from '../../scenarios/faults.js';
import type { FaultSpan } from '../../results/fault-windows.js';
import type { Boundary, WiringLinks } from '../../targets/wirings/links.js';
import type { ToxicSpec as Toxic } from '../../targets/wirings/toxiproxy.js';
import { groupOf } from '../../targets/wirings/placement.js';
import type { RunningWiring } from '../../targets/wirings/supervisor.js';

/** Faults that act on a link or a database need proxies on every boundary; a kill does not. */
export const needsLinks = (faults: Fault[]) => faults.some((f) => f.kind !== 'kill');

export interface FaultTimeline {
  /** Call when the measured phase begins: every fault is timed from then. */
  start(): void;
  /** Waits for every fault to have run and been undone; the spans as they happened. */
  done(): Promise<FaultSpan[]>;
  /** Undoes whatever is still applied and cancels what has not started (a cell that failed). */
  abort(): Promise<void>;
}

export function faultTimeline(faults: Fault[], wiring: RunningWiring, links: WiringLinks | undefined, log: (m: string) => void): FaultTimeline {
  const timers: NodeJS.Timeout[] = [];
  const heals = new Set<() => Promise<void>>();
  const runs: Promise<FaultSpan>[] = [];
  let aborted = false;
  let started = false;
  let begin: () => void = () => {};
  const begun = new Promise<void>((r) => { begin = r; });

  const run = async (f: Fault): Promise<FaultSpan> => {
    const span: FaultSpan = { kind: f.kind, target: faultTarget(f), atS: f.atS, durationS: f.durationS, appliedTo: [] };
    if (aborted) return { ...span, skipped: 'the cell stopped before it' };
    if (f.kind === 'kill') {
      const group = groupOf(wiring.wiring, f.service!).name;
      const others = wiring.wiring.groups.length === 1 ? ` (the whole system: ${wiring.wiring.name} is one process)` : '';
      log(`fault at ${f.atS} s: kill process "${group}"${others}`);
      const { readyMs } = await wiring.kill(group, f.durationS * 1000);
      return { ...span, appliedTo: [`process ${group}${others}`], restartMs: readyMs };
    }
    if (!links) throw new Error(`a ${f.kind} fault needs the wiring started with links (proxies)`);
    const hit = resolve(f, links, wiring);
    if ('skipped' in hit) {
      log(`fault at ${f.atS} s: ${f.kind} ${span.target} skipped: ${hit.skipped}`);
      return { ...span, skipped: hit.skipped };
    }
    log(`fault at ${f.atS} s for ${f.durationS} s: ${f.kind} ${span.target} on ${hit.length} boundar${hit.length === 1 ? 'y' : 'ies'}`);
    const heal = f.kind === 'db-restart' ? await links.cut(hit) : await links.poison(hit, toxicsOf(f));
    heals.add(heal);
    await new Promise((r) => setTimeout(r, f.durationS * 1000));
    heals.delete(heal);
    await heal();
    return { ...span, appliedTo: hit.map((b) => b.label) };
  };

  return {
    start() {
      if (started) return;
      started = true;
      for (const f of faults) {
        runs.push(new Promise<FaultSpan>((resolve, reject) => {
          timers.push(setTimeout(() => run(f).then(resolve, reject), f.atS * 1000));
        }));
      }
      begin();
    },
    async done() {
      await begun;
      return Promise.all(runs);
    },
    async abort() {
      aborted = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all([...heals].map((h) => h().catch(() => {})));
    },
  };
}

function resolve(f: Fault, links: WiringLinks, wiring: RunningWiring): Boundary[] | { skipped: string } {
  if (f.domain) return links.toDatabase(f.domain);
  const [from, to] = linkEnds(f.link!)!;
  // A partition cuts both ways; latency, jitter and reset act on the calls the link's caller makes.
  const hit = f.kind === 'partition' ? [...links.between(from, to), ...links.between(to, from)] : links.between(from, to);
  if (hit.length) return hit;
  return {
    skipped: wiring.wiring.groups.length === 1
      ? `${wiring.wiring.name} is one process: no link between ${from} and ${to} to fault`
      : `in ${wiring.wiring.name} no call crosses from ${from} to ${to} between processes`,
  };
}

function toxicsOf(f: Fault): Toxic[] {
  const toxic = (type: string, stream: Toxic['stream'], attributes: Record<string, number>): Toxic => ({ name: `${f.kind}_${stream}`, type, stream, attributes });
  switch (f.kind) {
    // On the answers: each round trip on the link grows by ms (Toxiproxy delays per chunk, not cumulatively).
    case 'latency':
    case 'slow-db':
      return [toxic('latency', 'downstream', { latency: f.ms!, jitter: f.jitterMs ?? 0 })];
    // Toxiproxy's jitter is ± around a latency: ms ± ms keeps every delay ≥ 0, with a mean of ms.
    case 'jitter':
      return [toxic('latency', 'downstream', { latency: f.ms!, jitter: f.ms! })];
    // Every connection is cut as soon as it carries a request, for the whole window.
    case 'reset':
      return [toxic('reset_peer', 'upstream', { timeout: 0 })];
    // Bytes dropped both ways, connections left open: callers wait until their deadlines fire.
    case 'partition':
      return [toxic('timeout', 'upstream', { timeout: 0 }), toxic('timeout', 'downstream', { timeout: 0 })];
    default:
      throw new Error(`a ${f.kind} fault has no toxic`);
  }
}
