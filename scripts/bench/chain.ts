// The bare chain (the floor under splitbench's own cost): one process per group of a wiring's placement, forwarding a
// checkout-shaped request along the checkout path over the wiring's transport — no contracts,
// envelope, validation, ctx or database. Driven at the same open-model rate as the wiring, its
// per-hop overhead (rtt − handler) is the floor that says how much of the wiring's is splitbench's.
// Parent side; each process runs chain-node.ts. Children leave when this process does. Only this side
// reads the wiring's placement (placement.ts reaches into the kit's transport registry): the nodes get
// it as data and load nothing of the kit.
import type { ChildProcess } from 'node:child_process';
import type { Scenario } from '../../scenarios/scenario.js';
import { parseWiring } from '../../targets/wirings/placement.js';
import { compiledEntry, forkChild } from '../../targets/wirings/child.js';
import { DEFAULT_HTTP_CONNECTIONS } from '../../targets/wirings/process-env.js';
import { CHAIN_CALLS, CHAIN_NODES, CHAIN_TRANSPORTS, remoteCalls, type ChainPlacement, type ChainTransport } from './chain-graph.js';
import type { FromNode, NodeSpec, ToNode } from './chain-node.js';
import { perHopOverhead, type ChainEdge, type FloorRow } from '../../results/floor.js';
import { runDriverInChild } from './driver-process.js';
import type { DriverPhase, PhaseProgress } from './progress.js';
import type { DriverResult } from '../../results/run.js';

/** The placement of a remote wiring (domains/<t>, services/<t>, loopback/<t>, extract:…/<t>). */
export function chainPlacement(wiring: string): ChainPlacement {
  const m = /^(.+)\/([a-z]+)$/.exec(wiring);
  const transport = m?.[2] as ChainTransport | undefined;
  if (!m || !transport || !CHAIN_TRANSPORTS.includes(transport)) {
    throw new Error(`bare chain: "${wiring}" is not a remote wiring; expected <domains|services|loopback|extract:…>/<${CHAIN_TRANSPORTS.join('|')}>`);
  }
  const parsed = parseWiring(wiring);
  if (parsed.local === 'copy') throw new Error(`bare chain: ${wiring} makes no remote call`);
  return { name: wiring, transport, local: parsed.local === 'loopback' ? 'loopback' : 'direct', groups: parsed.groups };
}

const TOPOLOGY_BY_PROCESSES: Record<number, string> = { 1: 'loopback', 6: 'domains', 21: 'services' };
export const CHAIN_PROCESS_COUNTS = Object.keys(TOPOLOGY_BY_PROCESSES).map(Number);

/** 1, 6 or 21 processes: the loopback, domains and services wirings' placements. */
export function placementFor(processes: number, transport: ChainTransport): ChainPlacement {
  const topology = TOPOLOGY_BY_PROCESSES[processes];
  if (!topology) throw new Error(`bare chain: ${processes} processes has no wiring; expected one of ${CHAIN_PROCESS_COUNTS.join(', ')}`);
  return chainPlacement(`${topology}/${transport}`);
}

export interface RunningChain {
  placement: ChainPlacement;
  frontUrl: string;
  pids: number[];
  /** Calls of one checkout that cross the transport, as "caller>callee" in call order. */
  remoteCalls: string[];
  /** Every process's edges since the last reset. */
  stats(): Promise<ChainEdge[]>;
  reset(): Promise<void>;
  /** Resolves when a process dies before stop() (never, when all is well). */
  died: Promise<string>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;

export async function startChain(placement: ChainPlacement, opts: { httpConnections?: number } = {}): Promise<RunningChain> {
  const entry = compiledEntry(new URL('./chain-node.js', import.meta.url));
  const httpConnections = opts.httpConnections ?? DEFAULT_HTTP_CONNECTIONS;
  let stopping = false;
  let reportDeath: (why: string) => void = () => {};
  const died = new Promise<string>((resolve) => { reportDeath = resolve; });
  const children = placement.groups.map((g) => {
    const spec: NodeSpec = { placement, group: g.name, httpConnections, idle: !CHAIN_NODES.some((n) => g.services.includes(n.name)) };
    const name = `bare chain ${placement.name}: process "${g.name}"`;
    const node = forkChild(entry, { name, args: [JSON.stringify(spec)] });
    const child = node.process;
    child.on('exit', (code, signal) => { if (!stopping) reportDeath(`${name} (pid ${child.pid}) exited (${signal ?? `code ${code}`})`); });
    return { group: g.name, child, node };
  });

  const stop = async () => {
    stopping = true;
    // Closing the IPC channel is the stop signal (the node closes its listeners and exits).
    await Promise.all(children.map(({ node }) => node.stop({ via: 'disconnect', graceMs: STOP_GRACE_MS })));
  };

  let nextId = 1;
  const ask = <T extends FromNode['type']>(child: ChildProcess, type: T, message?: ToNode) => new Promise<Extract<FromNode, { type: T }>>((resolve, reject) => {
    const id = message && 'id' in message ? message.id : undefined;
    const onMessage = (m: FromNode) => {
      if (m.type === 'error') { off(); reject(new Error(`bare chain ${placement.name}: ${m.message}`)); }
      if (m.type === type && (id === undefined || (m as { id?: number }).id === id)) { off(); resolve(m as Extract<FromNode, { type: T }>); }
    };
    const onExit = () => { off(); reject(new Error(`bare chain ${placement.name}: a process exited before answering "${type}"`)); };
    const off = () => { child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message) {
      if (!child.connected) { off(); reject(new Error(`bare chain ${placement.name}: a process is not running`)); return; }
      child.send(message);
    }
  });

  try {
    const started = Promise.all(children.map(async ({ group, child }) => ({ group, ...(await ask(child, 'listening')) })));
    const listening = await within(started, START_TIMEOUT_MS, `bare chain ${placement.name}: not listening within ${START_TIMEOUT_MS} ms`);
    const peers = Object.fromEntries(listening.filter((l) => l.rpcPort).map((l) => [l.group, `127.0.0.1:${l.rpcPort}`]));
    const front = listening.find((l) => l.frontPort);
    if (!front) throw new Error(`bare chain ${placement.name}: no process hosts the gateway`);
    const ready = Promise.all(children.map(({ child }) => ask(child, 'ready', { type: 'peers', peers })));
    await within(ready, START_TIMEOUT_MS, `bare chain ${placement.name}: not connected within ${START_TIMEOUT_MS} ms`);
    return {
      placement,
      frontUrl: `http://127.0.0.1:${front.frontPort}`,
      pids: children.map(({ child }) => child.pid!),
      remoteCalls: remoteCalls(placement),
      stats: async () => (await Promise.all(children.map(({ child }) => ask(child, 'stats', { type: 'stats', id: nextId++ })))).flatMap((m) => m.edges),
      reset: async () => { await Promise.all(children.map(({ child }) => ask(child, 'reset', { type: 'reset', id: nextId++ }))); },
      died,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); })]).finally(() => clearTimeout(timer));
}

/**
 * The chain's load: the checkouts of the scenario alone, at their own rate (the scenario's rate ×
 * the checkout share of its mix; a ramp keeps its shape). Undefined when the mix has no checkout.
 */
export function floorScenario(s: Scenario): Scenario | undefined {
  const total = Object.values(s.mix).reduce((a, b) => a + (b ?? 0), 0);
  const share = (s.mix.checkout ?? 0) / total;
  if (!(share > 0)) return undefined;
  const scale = (r: number) => Math.round(r * share * 100) / 100;
  const a = s.arrival;
  const arrival = a.model === 'constant' ? { ...a, rateRps: scale(a.rateRps) }
    : a.model === 'ramp' ? { ...a, startRps: scale(a.startRps), stages: a.stages.map((st) => ({ ...st, targetRps: scale(st.targetRps) })) }
      : a;
  return { ...s, name: `${s.name}, checkouts only (bare chain)`, mix: { checkout: 1 }, arrival, slo: {} };
}

export interface FloorOptions {
  /** The wiring to stand beside: its placement and transport. */
  wiring: string | ChainPlacement;
  /** What to drive: checkouts only (floorScenario). */
  scenario: Scenario;
  runTag: string;
  httpConnections?: number;
  onPhase?: (phase: string) => void;
  onProgress?: (p: PhaseProgress<DriverPhase>) => void;
  /** Registers the chain's stop with a shutdown hook (Ctrl-C). */
  onStop?: (stop: () => Promise<void>) => void;
}

/** Starts the chain, drives its front door with the bench's open-loop driver (its own process), reads the edges of the measured window, stops. */
export async function runFloor(opts: FloorOptions): Promise<FloorRow> {
  const placement = typeof opts.wiring === 'string' ? chainPlacement(opts.wiring) : opts.wiring;
  const httpConnections = opts.httpConnections ?? DEFAULT_HTTP_CONNECTIONS;
  opts.onPhase?.('start');
  const chain = await startChain(placement, { httpConnections });
  opts.onStop?.(chain.stop);
  let edges: ChainEdge[];
  let driver: DriverResult;
  try {
    // Zeroed when the driver's measured phase begins, as a wiring's cell does (cell.ts, measureWindow).
    let resetting: Promise<void> | undefined;
    const drive = runDriverInChild({ targetUrl: chain.frontUrl, scenario: opts.scenario, runTag: opts.runTag }, (p) => {
      if (p.phase === 'measure') resetting ??= chain.reset();
      opts.onProgress?.(p);
    });
    driver = await Promise.race([drive, chain.died.then((why) => { throw new Error(why); })]);
    await (resetting ?? chain.reset());
    edges = await chain.stats();
  } finally {
    await chain.stop();
  }
  const order = (e: ChainEdge) => CHAIN_CALLS.findIndex(({ from, call }) => `${from}>${call.to}` === `${e.from}>${e.to}`);
  edges.sort((a, b) => order(a) - order(b));
  const all = driver.workflows.find((w) => w.workflow === 'all')!;
  const warnings = [...driver.warnings];
  const expected = chain.remoteCalls;
  const got = edges.map((e) => `${e.from}>${e.to}`);
  if (expected.join() !== got.join()) warnings.push(`remote edges ${got.join(', ') || 'none'} differ from the placement's ${expected.join(', ')}`);
  const missing = edges.reduce((n, e) => n + e.handlerMissing, 0);
  if (missing) warnings.push(`${missing} call(s) came back without the callee's handler time: their overhead is the whole round trip`);
  return {
    wiring: placement.name, transport: placement.transport, processes: placement.groups.length, remoteHops: expected.length,
    connections: placement.transport === 'http' ? `${httpConnections} HTTP/1.1 connections per peer process` : placement.transport === 'grpc' ? 'one HTTP/2 channel per peer process' : 'one TCP connection per peer process',
    offeredRps: driver.offeredRps, achievedRps: driver.achievedRps, warmupS: driver.warmupS, durationS: driver.durationS,
    latencyMs: all.latencyMs, errors: Object.values(all.errors).reduce((a, b) => a + b, 0),
    perHopOverheadUs: perHopOverhead(edges), edges, warnings,
  };
}
