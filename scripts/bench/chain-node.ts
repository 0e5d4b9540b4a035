// One process of the bare chain (child entry; parent side: chain.ts). A group with nodes of the
// checkout path serves them (chain-host.ts); a group without any stays idle — present, so the process
// count is the wiring's, and loading nothing beyond node itself. It leaves as soon as its IPC channel closes.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChainPlacement } from './chain-graph.js';
import type { ChainEdge } from '../../results/floor.js';

export interface NodeSpec { placement: ChainPlacement; group: string; httpConnections: number; /** Hosts no node of the checkout path. */ idle: boolean; }
export type ToNode = { type: 'peers'; peers: Record<string, string> } | { type: 'stats' | 'reset'; id: number };
export type FromNode =
  | { type: 'listening'; rpcPort?: number; frontPort?: number }
  | { type: 'ready' }
  | { type: 'stats'; id: number; edges: ChainEdge[] }
  | { type: 'reset'; id: number }
  | { type: 'error'; message: string };

async function childMain(spec: NodeSpec) {
  const send = (m: FromNode) => new Promise<void>((resolve) => (process.connected ? process.send!(m, undefined, {}, () => resolve()) : resolve()));
  const closers: (() => Promise<void>)[] = [];
  process.once('disconnect', () => {
    void Promise.all(closers.map((c) => c().catch(() => {}))).finally(() => process.exit(0));
  });
  if (spec.idle) {
    process.on('message', (m: ToNode) => {
      if (m.type === 'peers') void send({ type: 'ready' });
      else void send(m.type === 'stats' ? { type: 'stats', id: m.id, edges: [] } : { type: 'reset', id: m.id });
    });
    await send({ type: 'listening' });
    return;
  }
  try {
    const [{ NodeHost, frontDoor }, { wire }] = await Promise.all([import('./chain-host.js'), import('./chain-wire.js')]);
    const host = new NodeHost(spec.placement, spec.group);
    const transport = await wire(spec.placement.transport, { httpConnections: spec.httpConnections });
    const server = await transport.serve(host.routes, (route) => host.run(route.node));
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
