// Runs one process of a wiring: builds the services placed here, hands each dependency either the
// local implementation or a client stub (decided once, here), serves the group's services over the
// wiring's transport, the gateway's front door when the gateway lives here, and the health listener.
// The supervisor's forked processes and containers (compose, Kubernetes) all run through this code.
import type pg from 'pg';
import { domainOf } from '../db/domains.js';
import { servicePool } from '../db/pools.js';
import type { Contract } from '../kit/contract.js';
import { asCaller } from '../kit/ctx.js';
import { parseInjectedDelays, wrapHandlers, type Handler } from '../kit/handler.js';
import { HopRecorder } from '../kit/hops.js';
import { frontDoor } from '../domains/platform/gateway/frontdoor.js';
import { CHECK_TIMEOUT_MS, databaseCheck, healthServer, runChecks, tcpCheck, type Check, type Readiness } from './health.js';
import { groupOf, parseWiring, type Group, type Wiring } from './placement.js';
import type { ProcessSpec } from './process-env.js';
import { IMPLEMENTATIONS } from './registry.js';

/** How long the front door lets accepted requests finish after a stop begins. */
export const DRAIN_MS = 5_000;
/** A stop that takes longer is cut short (the process exits anyway); deployments allow this much. */
export const STOP_DEADLINE_MS = 8_000;

interface Loop { name: string; intervalMs: number; tick: (stopping: AbortSignal) => Promise<unknown>; timer?: NodeJS.Timeout; running?: Promise<unknown>; stopped?: boolean; }

export interface RunningGroup {
  recorder: HopRecorder;
  /** What /health/ready answers: serving, and every database and peer reachable. */
  readiness(): Promise<Readiness>;
  startLoops(): void;
  /**
   * Graceful: unready at once, background loops stopped, no new connections, accepted requests
   * finished (up to DRAIN_MS), then every client, pool and listener closed.
   */
  stop(): Promise<void>;
}

export async function startGroup(spec: ProcessSpec): Promise<RunningGroup> {
  const wiring = parseWiring(spec.wiring);
  const group = wiring.groups.find((g) => g.name === spec.group);
  if (!group) throw new Error(`wiring ${spec.wiring} has no group "${spec.group}"`);
  const delays = parseInjectedDelays(spec.injectDelay);
  const recorder = new HopRecorder();
  const pools: pg.Pool[] = [];
  /** One pool per domain (the first service's) for the readiness check. */
  const domainPools = new Map<string, pg.Pool>();
  const loops: Loop[] = [];
  const stopping = new AbortController();
  const remote = await loadTransport(wiring, spec, recorder);
  const handlers = new Map<string, Record<string, Handler>>();

  for (const service of buildOrder(group)) {
    const impl = IMPLEMENTATIONS[service];
    const deps: Record<string, any> = {};
    for (const [key, contract] of Object.entries(impl.deps as Record<string, Contract>)) {
      deps[key] = bindDependency(service, contract, wiring, group, handlers, remote);
    }
    const url = spec.dbUrls[domainOf(service)];
    if (!url) throw new Error(`process ${group.name}: no database URL for domain ${domainOf(service)} (service ${service})`);
    const db = servicePool(url, service, spec.poolMax);
    pools.push(db);
    if (!domainPools.has(domainOf(service))) domainPools.set(domainOf(service), db);
    const ownDb = (max: number) => { const own = servicePool(url, service, max); pools.push(own); return own; };
    const api = impl.create({ deps, db, ownDb, loop: (name, intervalMs, tick) => loops.push({ name: `${service}.${name}`, intervalMs, tick }) });
    handlers.set(service, wrapHandlers(impl.contract, api as Record<string, Handler>, delays[service]));
  }

  const rpcServer = remote.server;
  if (rpcServer) {
    for (const service of group.services) rpcServer.add(IMPLEMENTATIONS[service].contract, handlers.get(service)!);
    await rpcServer.listen(spec.rpcPort, spec.listenHost).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' || /in use/i.test(e.message) ? new Error(`RPC port ${spec.rpcPort} of ${group.name} is already in use`) : e;
    });
  }
  let phase: 'starting' | 'serving' | 'stopping' = 'starting';
  const gateway = handlers.get('gateway');
  const door = gateway ? frontDoor(gateway as any, () => phase === 'serving') : undefined;
  if (door) await door.listen(spec.gatewayPort, spec.listenHost);

  const checks: Record<string, Check> = {};
  for (const [domain, url] of Object.entries(spec.dbUrls)) checks[`database ${domain}`] = databaseCheck(url, domainPools.get(domain)!);
  for (const peer of remote.peers()) checks[`peer ${peer}`] = remote.check(peer);
  const readiness = async (): Promise<Readiness> => (phase === 'serving' ? runChecks(checks) : { ready: false, checks: { process: phase } });
  const health = healthServer(readiness);
  await health.listen(spec.healthPort, spec.listenHost);
  phase = 'serving';

  return {
    recorder,
    readiness,
    startLoops() {
      for (const loop of loops) {
        const schedule = () => {
          if (loop.stopped) return;
          loop.timer = setTimeout(() => {
            loop.running = loop.tick(stopping.signal).catch((e) => process.stderr.write(`${loop.name}: ${(e as Error).message}\n`)).finally(schedule);
          }, loop.intervalMs);
        };
        schedule();
      }
    },
    async stop() {
      phase = 'stopping';
      stopping.abort();
      for (const loop of loops) { loop.stopped = true; clearTimeout(loop.timer); }
      await Promise.all(loops.map((l) => l.running));
      await door?.close(DRAIN_MS);
      await rpcServer?.close();
      await remote.close();
      await Promise.all(pools.map((p) => p.end()));
      await health.close();
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

interface RpcServer { add(contract: Contract, handlers: Record<string, Handler>): void; listen(port: number, host: string): Promise<number>; close(): Promise<void>; }
interface RemoteConnections {
  server?: RpcServer;
  stub(contract: Contract, group: string): Record<string, Handler>;
  /** The groups this process has connections to (its remote dependencies). */
  peers(): string[];
  /** Readiness of the connection to a peer. */
  check(group: string): Check;
  close(): Promise<void>;
}

/**
 * The transport's server and one undici Pool or one gRPC channel per target process, shared by every
 * stub that calls it. Loaded on demand: a process never pays start-up time for a transport it does not use.
 */
async function loadTransport(wiring: Wiring, spec: ProcessSpec, recorder: HopRecorder): Promise<RemoteConnections> {
  const address = (group: string) => {
    const peer = spec.peers[group];
    if (!peer) throw new Error(`process ${spec.group}: no address for process ${group} (peers: ${Object.keys(spec.peers).join(', ') || 'none'})`);
    return peer;
  };
  if (wiring.transport === 'http') {
    const http = await import('../kit/transports/http.js');
    const pools = new Map<string, ReturnType<typeof http.httpPool>>();
    return {
      server: new http.HttpRpcServer(),
      stub(contract, group) {
        if (!pools.has(group)) pools.set(group, http.httpPool(`http://${address(group)}`, spec.httpConnections));
        return http.httpClient(contract, pools.get(group)!, recorder);
      },
      peers: () => [...pools.keys()],
      // Up when the pool holds an open connection, or else when one can be opened.
      check: (group) => async () => { if (pools.get(group)!.stats.connected === 0) await tcpCheck(address(group))(); },
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
      peers: () => [...channels.keys()],
      // The channel itself connects (or already is connected): the connection calls will use.
      check: (group) => () => new Promise<void>((resolve, reject) => {
        channels.get(group)!.waitForReady(Date.now() + CHECK_TIMEOUT_MS, (e) => (e ? reject(new Error(`${address(group)}: ${e.message}`)) : resolve()));
      }),
      close: async () => { for (const c of channels.values()) c.close(); },
    };
  }
  return {
    stub: (contract) => { throw new Error(`wiring ${wiring.name}: ${contract.name} is remote but the transport is in-process`); },
    peers: () => [],
    check: (group) => { throw new Error(`wiring ${wiring.name} has no remote peer ${group}`); },
    close: async () => {},
  };
}
