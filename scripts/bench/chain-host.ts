// What one process of the bare chain runs: the nodes placed in its group, each making its calls in
// order (a plain function call when co-located, over the transport otherwise), the timing of every
// call that crosses the transport, and the HTTP front door when the gateway is here.
import http from 'node:http';
import { CHAIN_NODES, FRONT_DOOR_PATH, chainRoutes, groupOfService, isRemote, routeOf, type ChainCall, type ChainNode, type ChainPlacement, type Route } from './chain-graph.js';
import type { ChainEdge } from '../../results/floor.js';
import type { CallResult, WirePeer } from './chain-wire.js';
import { recordUs, usHistogram, type Histogram } from '../../results/histogram.js';

interface Edge { from: string; to: string; calls: number; handlerMissing: number; overheadMinUs: number; rtt: Histogram; handler: Histogram; overhead: Histogram; requestBytes: number; responseBytes: number; }

/** Per edge, the round trip, the callee's handler time and their difference, as hops.ts keeps them. */
class ChainRecorder {
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

/** One call of a node, resolved once: a plain function call, or which process and RPC it goes to. */
interface Step { call: ChainCall; remote?: { group: string; route: Route } }

/** The nodes of one process: each runs its calls in order, locally or over the transport, and answers. */
export class NodeHost {
  readonly recorder: ChainRecorder;
  private peers = new Map<string, WirePeer>();
  private readonly hosted: Map<string, ChainNode>;
  private readonly steps = new Map<string, Step[]>();

  constructor(placement: ChainPlacement, readonly group: string) {
    const services = placement.groups.find((g) => g.name === group)?.services;
    if (!services) throw new Error(`placement ${placement.name} has no process "${group}"`);
    this.hosted = new Map(CHAIN_NODES.filter((n) => services.includes(n.name)).map((n) => [n.name, n]));
    // Decided once, as the kit's host binds a dependency once: never per call.
    for (const node of this.hosted.values()) {
      this.steps.set(node.name, node.calls.map((call) => (isRemote(placement, node.name, call.to)
        ? { call, remote: { group: groupOfService(placement, call.to), route: routeOf(call) } }
        : { call })));
    }
    this.recorder = new ChainRecorder(placement.transport);
  }

  get nodes(): string[] { return [...this.hosted.keys()]; }
  get routes() { return chainRoutes().filter((r) => this.hosted.has(r.node)); }

  /** The processes this one calls over the transport (itself, in loopback). */
  targets(): string[] {
    return [...new Set([...this.steps.values()].flat().flatMap((s) => (s.remote ? [s.remote.group] : [])))];
  }

  connect(group: string, peer: WirePeer) { this.peers.set(group, peer); }

  async run(name: string): Promise<Record<string, unknown>> {
    const node = this.hosted.get(name);
    if (!node) throw new Error(`process ${this.group} does not host ${name}`);
    let last: unknown;
    for (const step of this.steps.get(name)!) {
      // A co-located call is a plain function call, as the kit's 'direct' binding: no copy, no timing.
      if (!step.remote) { last = await this.run(step.call.to); continue; }
      const peer = this.peers.get(step.remote.group);
      if (!peer) throw new Error(`process ${this.group}: not connected to ${step.call.to}`);
      const result = await peer.call(step.remote.route, step.call.request);
      this.recorder.record(name, step.call.to, result);
      last = result.answer;
    }
    return node.answer ?? (last as Record<string, unknown>);
  }

  async close() { await Promise.all([...this.peers.values()].map((p) => p.close().catch(() => {}))); }
}

/** The public edge, as in every wiring: HTTP + JSON in, a plain call to the gateway, JSON out. */
export function frontDoor(host: NodeHost) {
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
