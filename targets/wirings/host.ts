// Runs one process of a wiring: builds the services placed here, hands each dependency either the
// local implementation or a client stub (decided once, here), serves the group's services over the
// wiring's transport, the gateway's front door when the gateway lives here, and the health listener.
// The supervisor's forked processes and containers (compose, Kubernetes) all run through this code.
import type pg from 'pg';
import { servicePool } from '../db/pools.js';
import type { Contract } from '../kit/contract.js';
import { asCaller } from '../kit/ctx.js';
import { parseInjectedDelays, wrapHandlers, type Handler } from '../kit/handler.js';
import { dispatcher, remoteStub } from '../kit/envelope.js';
import { HopRecorder } from '../kit/hops.js';
import { RetryBudget } from '../kit/retry.js';
import type { Peer, RemoteTransport } from '../kit/transport.js';
import { LOCAL_TRANSPORTS, loadTransport } from '../kit/transports/index.js';
import { SERVICES } from '../services.js';
import { FRONT_DOOR_SERVICE, frontDoor } from './frontdoor.js';
import { ownStats } from './process-stats.js';
import { CHECK_TIMEOUT_MS, databaseCheck, healthServer, runChecks, type Check, type Readiness } from './health.js';
import { groupOf, parseWiring, type Group, type Wiring } from './placement.js';
import type { ProcessSpec } from './process-env.js';

/** How long the front door lets accepted requests finish after a stop begins. */
export const DRAIN_MS = 5_000;
/** A stop that takes longer is cut short (the process exits anyway); deployments allow this much. */
export const STOP_DEADLINE_MS = 8_000;

interface Loop { name: string; intervalMs: number; tick: (stopping: AbortSignal) => Promise<unknown>; timer?: NodeJS.Timeout; running?: Promise<unknown>; stopped?: boolean; }

export interface RunningGroup {
  recorder: HopRecorder;
  /** A hosted service as a caller in this process gets it (tests call services through their contracts this way). */
  local(service: string): Record<string, Handler>;
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
  const startups: { name: string; work: () => Promise<unknown> }[] = [];
  const stopping = new AbortController();
  const remote = await connect(wiring, spec, recorder);
  const handlers = new Map<string, Record<string, Handler>>();

  for (const service of buildOrder(group)) {
    const impl = SERVICES.implementation(service);
    const deps: Record<string, any> = {};
    for (const [key, contract] of Object.entries(impl.deps as Record<string, Contract>)) {
      deps[key] = bindDependency(service, contract, wiring, group, handlers, remote, spec.strict);
    }
    const domain = SERVICES.domainOf(service);
    const url = spec.dbUrls[domain];
    if (!url) throw new Error(`process ${group.name}: no database URL for domain ${domain} (service ${service})`);
    const db = servicePool(url, service, spec.poolMax);
    pools.push(db);
    if (!domainPools.has(domain)) domainPools.set(domain, db);
    const ownDb = (max: number) => { const own = servicePool(url, service, max); pools.push(own); return own; };
    const api = impl.create({
      deps, db, ownDb, subscribers: SERVICES.subscribers,
      loop: (name, intervalMs, tick) => loops.push({ name: `${service}.${name}`, intervalMs, tick }),
      onStart: (name, work) => startups.push({ name: `${service}.${name}`, work }),
    });
    handlers.set(service, wrapHandlers(impl.contract, api as Record<string, Handler>, delays[service]));
  }

  const hosted = group.services.map((service) => ({ contract: SERVICES.implementation(service).contract, handlers: handlers.get(service)! }));
  const rpcServer = remote.transport && await remote.transport.serve(hosted.map((h) => h.contract), dispatcher(hosted, spec.strict), { port: spec.rpcPort, host: spec.listenHost })
    .catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' || /in use/i.test(e.message) ? new Error(`RPC port ${spec.rpcPort} of ${group.name} is already in use`) : e;
    });
  let phase: 'starting' | 'serving' | 'stopping' = 'starting';
  const gateway = handlers.get(FRONT_DOOR_SERVICE);
  const door = gateway ? frontDoor(LOCAL_TRANSPORTS.inproc(SERVICES.implementation(FRONT_DOOR_SERVICE).contract, gateway, spec.strict) as any) : undefined;
  if (door) await door.listen(spec.gatewayPort, spec.listenHost);

  const checks: Record<string, Check> = {};
  for (const [domain, url] of Object.entries(spec.dbUrls)) checks[`database ${domain}`] = databaseCheck(url, domainPools.get(domain)!);
  for (const peer of remote.peers()) checks[`peer ${peer}`] = remote.check(peer);
  const readiness = async (): Promise<Readiness> => (phase === 'serving' ? runChecks(checks) : { ready: false, checks: { process: phase } });
  const health = healthServer(readiness, { read: () => ownStats(recorder), reset: () => recorder.reset() });
  await health.listen(spec.healthPort, spec.listenHost);
  for (const { name, work } of startups) await work().catch((e) => process.stderr.write(`${name}: ${(e as Error).message}\n`));
  phase = 'serving';

  return {
    recorder,
    local: (service) => LOCAL_TRANSPORTS.inproc(SERVICES.implementation(service).contract, handlers.get(service)!, spec.strict),
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
    for (const dep of Object.values(SERVICES.implementation(service).deps as Record<string, Contract>)) visit(dep.name, [...path, service]);
    order.push(service);
  };
  for (const s of group.services) visit(s, []);
  return order;
}

function bindDependency(caller: string, contract: Contract, wiring: Wiring, group: Group, local: Map<string, Record<string, Handler>>, remote: RemoteConnections, strict: boolean) {
  const colocated = group.services.includes(contract.name);
  if (colocated && wiring.local !== 'loopback') return LOCAL_TRANSPORTS[wiring.local === 'copy' ? 'copy' : 'inproc'](contract, local.get(contract.name)!, strict);
  const stub = remote.stub(contract, colocated ? group.name : groupOf(wiring, contract.name).name);
  const bound: Record<string, Handler> = {};
  for (const [method, call] of Object.entries(stub)) bound[method] = (input, ctx) => call(input, asCaller(ctx, caller));
  return bound;
}

interface RemoteConnections {
  transport?: RemoteTransport;
  stub(contract: Contract, group: string): Record<string, Handler>;
  /** The groups this process has connections to (its remote dependencies). */
  peers(): string[];
  /** Readiness of the connection to a peer. */
  check(group: string): Check;
  close(): Promise<void>;
}

/** The wiring's transport and one peer (connection or pool) per target process, shared by every stub that calls it. */
async function connect(wiring: Wiring, spec: ProcessSpec, recorder: HopRecorder): Promise<RemoteConnections> {
  if (wiring.transport === 'inproc') {
    return {
      stub: (contract) => { throw new Error(`wiring ${wiring.name}: ${contract.name} is remote but the transport is in-process`); },
      peers: () => [],
      check: (group) => { throw new Error(`wiring ${wiring.name} has no remote peer ${group}`); },
      close: async () => {},
    };
  }
  const transport = await loadTransport(wiring.transport);
  const budget = new RetryBudget(); // one per process: every stub's retries draw on it
  const peers = new Map<string, Peer>();
  const address = (group: string) => {
    const peer = spec.peers[group];
    if (!peer) throw new Error(`process ${spec.group}: no address for process ${group} (peers: ${Object.keys(spec.peers).join(', ') || 'none'})`);
    return peer;
  };
  return {
    transport,
    stub(contract, group) {
      if (!peers.has(group)) peers.set(group, transport.dial(address(group), { connections: spec.httpConnections }));
      return remoteStub(contract, peers.get(group)!, transport.name, recorder, spec.strict, budget);
    },
    peers: () => [...peers.keys()],
    check: (group) => () => peers.get(group)!.check(CHECK_TIMEOUT_MS),
    close: async () => { await Promise.all([...peers.values()].map((p) => p.close())); },
  };
}
