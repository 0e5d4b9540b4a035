// One process of the bare chain (child entry; parent side: chain.ts). It hosts the chain's nodes
// placed in its group, serves them over the transport, runs the HTTP front door when the gateway is
// here, and times every call that crosses the transport. A group with no node of the checkout path
// stays idle, so the process count is the wiring's. It leaves as soon as its IPC channel closes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHAIN_NODES, FRONT_DOOR_PATH, chainRoutes, groupOfService, isRemote, routeOf, type ChainCall, type ChainNode, type ChainPlacement } from './chain-graph.js';
import type { ChainEdge } from './chain-result.js';
import { wire, type CallResult, type WirePeer, type WireServer } from './chain-wire.js';
import { recordUs, usHistogram, type Histogram } from './histogram.js';

export interface NodeSpec { placement: ChainPlacement; group: string; httpConnections: number; }
export type ToNode = { type: 'peers'; peers: Record<string, string> } | { type: 'stats' | 'reset'; id: number };
export type FromNode =
  | { type: 'listening'; rpcPort?: number; frontPort?: number }
  | { type: 'ready' }
  | { type: 'stats'; id: number; edges: ChainEdge[] }
  | { type: 'reset'; id: number }
  | { type: 'error'; message: string };

interface Edge { from: string; to: string; calls: number; handlerMissing: number; overheadMinUs: number; rtt: Histogram; handler: Histogram; overhead: Histogram; requestBytes: number; responseBytes: number; }

/** Per edge, the round trip, the callee's handler time and their difference, as hops.ts keeps them. */
export class ChainRecorder {
  private edges = new Map<string, Edge>();
  constructor(private readonly transport: string) {}

  record(from: string, to: string, r: CallResult) {
    const key = `${from}>${to}`;
    let e = this.edges.get(key);
    if (!e) this.edges.set(key, e = { from, to, calls: 0, handlerMissing: 0, overheadMinUs: Infinity, rtt: usHistogram(), handler: usHistogram(), overhead: usHistogram(), requestBytes: 0, responseBytes: 0 });
    const handlerUs = r.handlerUs ?? r.rttUs;
    e.calls++;
    if (r.handlerUs === undefined) e.handlerMissing++;
    e.overheadMinUs = Math.min(e.overheadMinUs, r.rttUs - handlerUs);
    // hops.ts records at least 1 µs of each: the same floor on both sides of the ratio.
    recordUs(e.rtt, Math.max(1, r.rttUs));
    recordUs(e.handler, Math.max(1, handlerUs));
    recordUs(e.overhead, Math.max(1, r.rttUs - handlerUs));
    e.requestBytes += r.requestBytes;
    e.responseBytes += r.responseBytes;
  }

  stats(): ChainEdge[] {
    const pct = (h: Histogram) => ({ p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99) });
    const round = (n: number) => Math.round(n * 10) / 10;
    return [...this.edges.values()].map((e) => ({
      from: e.from, to: e.to, transport: this.transport, calls: e.calls,
      rttUs: pct(e.rtt), handlerUs: pct(e.handler), overheadUs: pct(e.overhead),
      requestBytesMean: round(e.requestBytes / e.calls), responseBytesMean: round(e.responseBytes / e.calls),
      handlerMissing: e.handlerMissing, overheadMinUs: round(e.overheadMinUs),
    }));
  }

  reset() { this.edges.clear(); }
}

/** The nodes of one process: each runs its calls in order, locally or over the transport, and answers. */
export class NodeHost {
  readonly recorder: ChainRecorder;
  private peers = new Map<string, WirePeer>();
  private readonly hosted: Map<string, ChainNode>;

  constructor(private readonly placement: ChainPlacement, readonly group: string) {
    const services = placement.groups.find((g) => g.name === group)?.services;
    if (!services) throw new Error(`placement ${placement.name} has no process "${group}"`);
    this.hosted = new Map(CHAIN_NODES.filter((n) => services.includes(n.name)).map((n) => [n.name, n]));
    this.recorder = new ChainRecorder(placement.transport);
  }

  get nodes(): string[] { return [...this.hosted.keys()]; }
  get routes() { return chainRoutes().filter((r) => this.hosted.has(r.node)); }

  /** The processes this one calls over the transport (itself, in loopback). */
  targets(): string[] {
    const out = new Set<string>();
    for (const node of this.hosted.values()) {
      for (const c of node.calls) if (isRemote(this.placement, node.name, c.to)) out.add(groupOfService(this.placement, c.to));
    }
    return [...out];
  }

  connect(group: string, peer: WirePeer) { this.peers.set(group, peer); }

  async run(name: string): Promise<Record<string, unknown>> {
    const node = this.hosted.get(name);
    if (!node) throw new Error(`process ${this.group} does not host ${name}`);
    let last: unknown;
    for (const call of node.calls) last = await this.invoke(node.name, call);
    return node.answer ?? (last as Record<string, unknown>);
  }

  private async invoke(from: string, call: ChainCall): Promise<unknown> {
    // A co-located call is a plain function call, as the kit's 'direct' binding: no copy, no timing.
    if (!isRemote(this.placement, from, call.to)) return this.run(call.to);
    const peer = this.peers.get(groupOfService(this.placement, call.to));
    if (!peer) throw new Error(`process ${this.group}: not connected to ${call.to}`);
    const result = await peer.call(routeOf(call), call.request);
    this.recorder.record(from, call.to, result);
    return result.answer;
  }

  async close() { await Promise.all([...this.peers.values()].map((p) => p.close().catch(() => {}))); }
}

/** The public edge, as in every wiring: HTTP + JSON in, a plain call to the gateway, JSON out. */
function frontDoor(host: NodeHost) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fail = (status: number, message: string) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify({ error: { message } })); };
      if (req.method !== 'POST' || req.url !== FRONT_DOOR_PATH) return fail(404, `only POST ${FRONT_DOOR_PATH}`);
      try {
        // Parsed as the real front door parses it, though the chain's own messages are fixed.
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return fail(400, 'body is not JSON');
      }
      host.run('gateway').then((out) => {
        const text = JSON.stringify(out);
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }, (e: Error) => fail(500, e.message));
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

async function childMain(spec: NodeSpec) {
  const send = (m: FromNode) => new Promise<void>((resolve) => (process.connected ? process.send!(m, undefined, {}, () => resolve()) : resolve()));
  const closers: (() => Promise<void>)[] = [];
  process.once('disconnect', () => {
    void Promise.all(closers.map((c) => c().catch(() => {}))).finally(() => process.exit(0));
  });
  try {
    const host = new NodeHost(spec.placement, spec.group);
    if (host.nodes.length === 0) {
      // Off the checkout path: present (the process count is the wiring's), and idle.
      process.on('message', (m: ToNode) => {
        if (m.type === 'peers') void send({ type: 'ready' });
        else void send(m.type === 'stats' ? { type: 'stats', id: m.id, edges: [] } : { type: 'reset', id: m.id });
      });
      await send({ type: 'listening' });
      return;
    }
    const transport = await wire(spec.placement.transport, { httpConnections: spec.httpConnections });
    const server: WireServer = await transport.serve(host.routes, (route) => host.run(route.node));
    closers.push(() => server.close(), () => host.close());
    let frontPort: number | undefined;
    if (host.nodes.includes('gateway')) {
      const door = frontDoor(host);
      frontPort = await new Promise<number>((resolve, reject) => {
        door.once('error', reject);
        door.listen(0, '127.0.0.1', () => resolve((door.address() as AddressInfo).port));
      });
      closers.unshift(() => new Promise<void>((resolve) => { door.close(() => resolve()); door.closeAllConnections(); }));
    }
    process.on('message', (m: ToNode) => {
      if (m.type === 'peers') {
        Promise.all(host.targets().map(async (group) => {
          const address = m.peers[group];
          if (!address) throw new Error(`no address for process ${group}`);
          host.connect(group, await transport.dial(address));
        })).then(() => send({ type: 'ready' }), (e: Error) => send({ type: 'error', message: e.message }));
      } else if (m.type === 'stats') void send({ type: 'stats', id: m.id, edges: host.recorder.stats() });
      else if (m.type === 'reset') { host.recorder.reset(); void send({ type: 'reset', id: m.id }); }
    });
    await send({ type: 'listening', rpcPort: server.port, frontPort });
  } catch (e) {
    await send({ type: 'error', message: (e as Error).stack ?? String(e) });
    process.exit(1);
  }
}

if (process.send && process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) void childMain(JSON.parse(process.argv[2]) as NodeSpec);
