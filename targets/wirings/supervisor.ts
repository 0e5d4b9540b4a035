// Starts every process of a wiring, waits until all are ready, and stops them all again — on
// request, on a failed start, or when a process dies. Ports are chosen free before the start.
// Each process gets the same environment a container would (process-env.ts), with local addresses.
import net from 'node:net';
import { dbEnvVar, type DbUrls } from '../db/domains.js';
import { DEFAULT_POOL_MAX } from '../db/pools.js';
import type { EdgeStats } from '../kit/hops.js';
import { parseInjectedDelays } from '../kit/handler.js';
import { SERVICES } from '../services.js';
import { compiledEntry, forkChild, type Child } from './child.js';
import { domainsOf, groupOf, parseWiring, type Group, type Wiring } from './placement.js';
import { DEFAULT_HTTP_CONNECTIONS, PROCESS_ENV, specToEnv, type ProcessSpec } from './process-env.js';
import type { FromChild, ToChild } from './process.js';

export interface WiringOptions {
  wiring: string;
  dbUrls: DbUrls;
  /** Front-door port; 0 or absent picks a free one. */
  gatewayPort?: number;
  poolMax?: number;
  httpConnections?: number;
  /** "service=ms,…": artificial handler delay (off by default; recorded with results). */
  injectDelay?: string;
  /** Every in-process call checked and shaped against its contract as a remote one is (tests); off in measured runs. */
  strictContracts?: boolean;
  /**
   * Something put between the processes and what they dial (links.ts: a Toxiproxy proxy per boundary):
   * told where every process will listen and where the databases are, it says what each process dials
   * instead. The processes never know.
   */
  route?: (at: { wiring: Wiring; peers: Record<string, string>; dbUrls: DbUrls; taken: number[] }) => Promise<Routes>;
  log?: (m: string) => void;
}

/** Per process: the address of each peer and the URL of each database it should use. */
export interface Routes { peers(group: string): Record<string, string>; dbUrls(group: string): DbUrls; }

export interface ProcessStats { group: string; pid: number; cpuUs: number; rssBytes: number; maxRssBytes: number; edges: EdgeStats[]; }
/** How a process ended: code 0 is a clean stop (nothing left open); a signal means it was killed. */
export interface ProcessExit { group: string; pid: number; code: number | null; signal: NodeJS.Signals | null; }

export interface RunningWiring {
  wiring: Wiring;
  gatewayUrl: string;
  pids: number[];
  /** Each process's /health base URL, by group. */
  healthUrls: Record<string, string>;
  /** Each process's RPC server address (host:port), by group; unused by in-process wirings. */
  rpcAddresses: Record<string, string>;
  startupMs: number;
  settings: { poolMax: number; httpConnections: number; injectDelay: string; strictContracts: boolean; processes: number };
  stats(): Promise<ProcessStats[]>;
  resetStats(): Promise<void>;
  /** Resolves when a process dies unexpectedly (never, when all is well). */
  died: Promise<string>;
  /** Graceful: the front door's process first (its accepted requests finish while their callees still serve), then the others. */
  stop(): Promise<void>;
  /** The processes that have exited so far. */
  exits(): ProcessExit[];
  /**
   * A crash on purpose (faults): SIGKILL the process, leave it down for downMs, start it again on the
   * same ports and wait until it is ready, as an orchestrator would. Resolves with the time from the
   * kill to ready. Its statistics since the last reset die with it.
   */
  kill(group: string, downMs?: number): Promise<{ readyMs: number }>;
}

/** A process that is not ready by then is stuck (its databases or peers unreachable): the start fails. */
const START_TIMEOUT_MS = 60_000;
/** SIGTERM lets a process finish what it accepted (host.ts); SIGKILL only once this is over. */
const GRACEFUL_STOP = { via: 'SIGTERM', graceMs: 10_000 } as const;

export async function startWiring(opts: WiringOptions): Promise<RunningWiring> {
  const started = Date.now();
  const wiring = parseWiring(opts.wiring);
  parseInjectedDelays(opts.injectDelay);
  const log = opts.log ?? (() => {});
  const entry = compiledEntry(new URL('./process.js', import.meta.url));
  const [gatewayPort, ...groupPorts] = await freePorts(1 + 2 * wiring.groups.length, opts.gatewayPort);
  const ports = Object.fromEntries(wiring.groups.map((g, i) => [g.name, groupPorts[i]]));
  const healthPorts = Object.fromEntries(wiring.groups.map((g, i) => [g.name, groupPorts[wiring.groups.length + i]]));
  const peers = Object.fromEntries(wiring.groups.map((g) => [g.name, `127.0.0.1:${ports[g.name]}`]));
  const settings = {
    poolMax: opts.poolMax ?? DEFAULT_POOL_MAX,
    httpConnections: opts.httpConnections ?? DEFAULT_HTTP_CONNECTIONS,
    injectDelay: opts.injectDelay ?? '',
    strictContracts: opts.strictContracts ?? false,
    processes: wiring.groups.length,
  };
  const routes = await opts.route?.({ wiring, peers, dbUrls: opts.dbUrls, taken: [gatewayPort, ...groupPorts] });
  const children = new Map<string, Child>();
  const exits: ProcessExit[] = [];
  /** Processes killed on purpose: their exit is not a death. */
  const killed = new Set<Child>();
  const gatewayGroup = groupOf(wiring, 'gateway');
  let stopping = false;
  let reportDeath: (why: string) => void = () => {};
  const died = new Promise<string>((resolve) => { reportDeath = resolve; });

  const stop = async () => {
    stopping = true;
    const gateway = children.get(gatewayGroup.name);
    if (gateway) await gateway.stop(GRACEFUL_STOP);
    await Promise.all([...children.values()].map((c) => c.stop(GRACEFUL_STOP)));
  };

  const launch = (group: Group) => {
    const dbUrls = routes?.dbUrls(group.name) ?? opts.dbUrls;
    const spec: ProcessSpec = {
      wiring: wiring.name, group: group.name, listenHost: '127.0.0.1', rpcPort: ports[group.name], peers: routes?.peers(group.name) ?? peers, gatewayPort, healthPort: healthPorts[group.name],
      dbUrls: Object.fromEntries(domainsOf(group).map((d) => [d, dbUrls[d]])),
      poolMax: settings.poolMax, httpConnections: settings.httpConnections, injectDelay: settings.injectDelay, strict: settings.strictContracts,
    };
    const name = `${wiring.name}: process "${group.name}"`;
    const child = forkChild(entry, { name, args: [`--group=${group.name}`], env: { ...inheritedEnv(), ...specToEnv(spec) } });
    children.set(group.name, child);
    child.process.on('exit', (code, signal) => {
      exits.push({ group: group.name, pid: child.process.pid!, code, signal });
      const why = `${name} (pid ${child.process.pid}) exited (${signal ?? `code ${code}`})`;
      if (!stopping && !killed.has(child)) { log(why); reportDeath(why); }
    });
    return child;
  };

  try {
    await Promise.all(wiring.groups.map((group) => launch(group).ready(START_TIMEOUT_MS)));
  } catch (e) {
    await stop();
    throw e;
  }
  for (const child of children.values()) child.process.send({ type: 'go' } satisfies ToChild);

  let nextId = 1;
  const ask = (type: 'stats' | 'reset') => Promise.all(wiring.groups.map((group) => new Promise<ProcessStats>((resolve, reject) => {
    const child = children.get(group.name)!.process;
    const id = nextId++;
    const onMessage = (m: FromChild) => {
      if (m.type !== 'stats' || m.id !== id) return;
      child.off('message', onMessage);
      resolve({ group: group.name, pid: child.pid!, cpuUs: m.cpuUs, rssBytes: m.rssBytes, maxRssBytes: m.maxRssBytes, edges: m.edges });
    };
    child.on('message', onMessage);
    if (!child.connected) return reject(new Error(`process "${group.name}" is not running`));
    child.send({ type, id } satisfies ToChild);
  })));

  log(`${wiring.name}: ${wiring.groups.length} process(es) ready in ${Date.now() - started} ms; gateway in "${gatewayGroup.name}"`);
  return {
    wiring,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    pids: [...children.values()].map((c) => c.process.pid!),
    healthUrls: Object.fromEntries(wiring.groups.map((g) => [g.name, `http://127.0.0.1:${healthPorts[g.name]}/health`])),
    rpcAddresses: peers,
    startupMs: Date.now() - started,
    settings,
    stats: () => ask('stats'),
    resetStats: async () => { await ask('reset'); },
    died,
    stop,
    exits: () => [...exits],
    async kill(groupName, downMs = 0) {
      const group = wiring.groups.find((g) => g.name === groupName);
      const old = children.get(groupName);
      if (!group || !old) throw new Error(`${wiring.name} has no process "${groupName}" (processes: ${wiring.groups.map((g) => g.name).join(', ')})`);
      const from = Date.now();
      killed.add(old);
      await old.stop({ via: 'SIGKILL' });
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      if (stopping) throw new Error(`${wiring.name}: stopped while process "${groupName}" was down`);
      const child = launch(group);
      await child.ready(START_TIMEOUT_MS);
      child.process.send({ type: 'go' } satisfies ToChild);
      log(`${wiring.name}: process "${groupName}" killed and ready again in ${Date.now() - from} ms`);
      return { readyMs: Date.now() - from };
    },
  };
}

/** The supervisor's environment without process settings of its own (a child gets exactly its spec's). */
function inheritedEnv(): NodeJS.ProcessEnv {
  const own = new Set<string>([...Object.values(PROCESS_ENV), ...SERVICES.domains.map(dbEnvVar)]);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !own.has(name)));
}

/**
 * Ports below Linux's ephemeral range (32768–60999): a port picked by the kernel (port 0) comes from
 * that range, and between our probe and the child's bind an outgoing connection (the driver's, a
 * pool's) may take it as its local port. Outgoing connections never use ports below the range.
 */
const LISTEN_PORTS = { from: 20_000, to: 32_000 };

/** Distinct free ports, all held open together so none is handed out twice; `taken`: chosen already, not yet bound. */
export async function freePorts(count: number, first?: number, taken: readonly number[] = []): Promise<number[]> {
  const servers: net.Server[] = [];
  const listen = (port: number) => new Promise<net.Server | undefined>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(undefined) : reject(e)));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
  try {
    for (let i = 0; i < count; i++) {
      if (i === 0 && first) {
        const s = await listen(first);
        if (!s) throw new Error(`port ${first} on 127.0.0.1 is already in use; choose another with --port, or 0 for any free port`);
        servers.push(s);
        continue;
      }
      let s: net.Server | undefined;
      for (let attempt = 0; !s && attempt < 100; attempt++) {
        const port = LISTEN_PORTS.from + Math.floor(Math.random() * (LISTEN_PORTS.to - LISTEN_PORTS.from));
        if (!taken.includes(port)) s = await listen(port);
      }
      servers.push(s ?? (await listen(0))!);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}
