// Runs one process of a wiring: builds the services placed here, hands each dependency either the
// local implementation or a client stub (decided once, here), serves the group's services over the
// wiring's transport, and the gateway's front door when the gateway lives here.
import type pg from 'pg';
import { domainOf, type DbUrls } from '../db/domains.js';
import { servicePool } from '../db/pools.js';
import type { Contract } from '../kit/contract.js';
import { asCaller } from '../kit/ctx.js';
import { parseInjectedDelays, wrapHandlers, type Handler } from '../kit/handler.js';
import { HopRecorder } from '../kit/hops.js';
import { frontDoor } from '../domains/platform/gateway/frontdoor.js';
import { groupOf, parseWiring, type Group, type Wiring } from './placement.js';
import { IMPLEMENTATIONS } from './registry.js';

export interface ProcessSpec {
  wiring: string;
  group: string;
  /** RPC port of every group of the wiring (unused for in-process wirings). */
  ports: Record<string, number>;
  gatewayPort: number;
  dbUrls: DbUrls;
  poolMax: number;
  /** undici connections per target process (HTTP/1.1 has one request in flight per connection). */
  httpConnections: number;
  injectDelay: string;
}

interface Loop { name: string; intervalMs: number; tick: () => Promise<unknown>; timer?: NodeJS.Timeout; running?: Promise<unknown>; stopped?: boolean; }

export interface RunningGroup {
  recorder: HopRecorder;
  startLoops(): void;
  stop(): Promise<void>;
}

export async function startGroup(spec: ProcessSpec): Promise<RunningGroup> {
  const wiring = parseWiring(spec.wiring);
  const group = wiring.groups.find((g) => g.name === spec.group);
  if (!group) throw new Error(`wiring ${spec.wiring} has no group "${spec.group}"`);
  const delays = parseInjectedDelays(spec.injectDelay);
  const recorder = new HopRecorder();
  const pools: pg.Pool[] = [];
  const loops: Loop[] = [];
  const remote = await loadTransport(wiring, spec, recorder);
  const handlers = new Map<string, Record<string, Handler>>();

  for (const service of buildOrder(group)) {
    const impl = IMPLEMENTATIONS[service];
    const deps: Record<string, any> = {};
    for (const [key, contract] of Object.entries(impl.deps as Record<string, Contract>)) {
      deps[key] = bindDependency(service, contract, wiring, group, handlers, remote);
    }
    const db = servicePool(spec.dbUrls[domainOf(service)], service, spec.poolMax);
    pools.push(db);
    const api = impl.create({ deps, db, loop: (name, intervalMs, tick) => loops.push({ name: `${service}.${name}`, intervalMs, tick }) });
    handlers.set(service, wrapHandlers(impl.contract, api as Record<string, Handler>, delays[service] ?? 0));
  }

  const rpcServer = remote.server;
  if (rpcServer) {
    for (const service of group.services) rpcServer.add(IMPLEMENTATIONS[service].contract, handlers.get(service)!);
    await rpcServer.listen(spec.ports[group.name]).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' || /in use/i.test(e.message) ? new Error(`RPC port ${spec.ports[group.name]} of ${group.name} is already in use`) : e;
    });
  }
  let ready = false;
  const gateway = handlers.get('gateway');
  const door = gateway ? frontDoor(gateway as any, () => ready) : undefined;
  if (door) await door.listen(spec.gatewayPort);
  ready = true;

  return {
    recorder,
    startLoops() {
      for (const loop of loops) {
        const schedule = () => {
          if (loop.stopped) return;
          loop.timer = setTimeout(() => {
            loop.running = loop.tick().catch((e) => process.stderr.write(`${loop.name}: ${(e as Error).message}\n`)).finally(schedule);
          }, loop.intervalMs);
        };
        schedule();
      }
    },
    async stop() {
      ready = false;
      for (const loop of loops) { loop.stopped = true; clearTimeout(loop.timer); }
      await Promise.all(loops.map((l) => l.running));
      await door?.close();
      await rpcServer?.close();
      await remote.close();
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}

/** Services are created after the local services they depend on (the dependency graph is acyclic). */
function buildOrder(group: Group): string[] {
  const order: string[] = [];
  const visit = (service: string, path: string[]) => {
    if (order.includes(service) || !group.services.includes(service)) return;
    if (path.includes(service)) throw new Error(`dependency cycle: ${[...path, service].join(' → ')}`);
    for (const dep of Object.values(IMPLEMENTATIONS[service].deps as Record<string, Contract>)) visit(dep.name, [...path, service]);
    order.push(service);
  };
  for (const s of group.services) visit(s, []);
  return order;
}

function bindDependency(caller: string, contract: Contract, wiring: Wiring, group: Group, local: Map<string, Record<string, Handler>>, remote: RemoteConnections) {
  const colocated = group.services.includes(contract.name);
  if (colocated && wiring.local === 'direct') return local.get(contract.name)!;
  if (colocated && wiring.local === 'copy') return copying(local.get(contract.name)!);
  const stub = remote.stub(contract, colocated ? group.name : groupOf(wiring, contract.name).name);
  const bound: Record<string, Handler> = {};
  for (const [method, call] of Object.entries(stub)) bound[method] = (input, ctx) => call(input, asCaller(ctx, caller));
  return bound;
}

/** In-process, but arguments and results are deep-copied as a wire would (the copy rung of the ladder). */
function copying(handlers: Record<string, Handler>): Record<string, Handler> {
  const copied: Record<string, Handler> = {};
  for (const [method, fn] of Object.entries(handlers)) copied[method] = async (input, ctx) => structuredClone(await fn(structuredClone(input), ctx));
  return copied;
}

interface RpcServer { add(contract: Contract, handlers: Record<string, Handler>): void; listen(port: number): Promise<number>; close(): Promise<void>; }
interface RemoteConnections { server?: RpcServer; stub(contract: Contract, group: string): Record<string, Handler>; close(): Promise<void>; }

/**
 * The transport's server and one undici Pool or one gRPC channel per target process, shared by every
 * stub that calls it. Loaded on demand: a process never pays start-up time for a transport it does not use.
 */
async function loadTransport(wiring: Wiring, spec: ProcessSpec, recorder: HopRecorder): Promise<RemoteConnections> {
  const address = (group: string) => `127.0.0.1:${spec.ports[group]}`;
  if (wiring.transport === 'http') {
    const http = await import('../kit/transports/http.js');
    const pools = new Map<string, ReturnType<typeof http.httpPool>>();
    return {
      server: new http.HttpRpcServer(),
      stub(contract, group) {
        if (!pools.has(group)) pools.set(group, http.httpPool(`http://${address(group)}`, spec.httpConnections));
        return http.httpClient(contract, pools.get(group)!, recorder);
      },
      close: async () => { await Promise.all([...pools.values()].map((p) => p.close())); },
    };
  }
  if (wiring.transport === 'grpc') {
    const grpc = await import('../kit/transports/grpc.js');
    const channels = new Map<string, ReturnType<typeof grpc.grpcChannel>>();
    return {
      server: new grpc.GrpcRpcServer(),
      stub(contract, group) {
        if (!channels.has(group)) channels.set(group, grpc.grpcChannel(address(group)));
        return grpc.grpcClient(contract, channels.get(group)!, recorder);
      },
      close: async () => { for (const c of channels.values()) c.close(); },
    };
  }
  return {
    stub: (contract) => { throw new Error(`wiring ${wiring.name}: ${contract.name} is remote but the transport is in-process`); },
    close: async () => {},
  };
}
