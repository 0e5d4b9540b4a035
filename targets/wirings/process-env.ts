// How one service process is configured: the same environment variables whether the supervisor forks
// it, docker compose starts it or Kubernetes does (the generated manifests use these names too).
import { dbEnvVar, type DbUrls } from '../db/domains.js';
import { DEFAULT_POOL_MAX } from '../db/pools.js';
import { domainsOf, parseWiring } from './placement.js';

export const PROCESS_ENV = {
  wiring: 'SPLITBENCH_WIRING',
  group: 'SPLITBENCH_GROUP',
  listenHost: 'SPLITBENCH_LISTEN_HOST',
  rpcPort: 'SPLITBENCH_RPC_PORT',
  /** "group=host:port,…", or a template such as "{group}:7000" (a DNS name per process in compose and Kubernetes). */
  peers: 'SPLITBENCH_PEERS',
  gatewayPort: 'SPLITBENCH_GATEWAY_PORT',
  healthPort: 'SPLITBENCH_HEALTH_PORT',
  poolMax: 'SPLITBENCH_POOL_MAX',
  httpConnections: 'SPLITBENCH_HTTP_CONNECTIONS',
  injectDelay: 'SPLITBENCH_INJECT_DELAY',
  strict: 'SPLITBENCH_STRICT_CONTRACTS',
} as const;

/** The ports a process listens on when nothing else is said: what every container uses. */
export const DEFAULT_PORTS = { rpc: 7000, gateway: 8080, health: 9000 } as const;

/** undici connections per target process (HTTP/1.1 has one request in flight per connection). */
export const DEFAULT_HTTP_CONNECTIONS = 8;

export interface ProcessSpec {
  wiring: string;
  group: string;
  /** Interface every listener binds: 127.0.0.1 under the supervisor, 0.0.0.0 in a container. */
  listenHost: string;
  /** This process's RPC port (unused for in-process wirings). */
  rpcPort: number;
  /** host:port of each group's RPC server, by group name (unused for in-process wirings). */
  peers: Record<string, string>;
  gatewayPort: number;
  /** Port of /health/live and /health/ready; 0 picks a free one. */
  healthPort: number;
  /** Database URL of each domain that has a service in this process, and of no other. */
  dbUrls: DbUrls;
  poolMax: number;
  httpConnections: number;
  injectDelay: string;
  /** In-process calls checked and shaped as remote ones are (envelope.ts): for tests, off in measured runs. */
  strict: boolean;
}

export function specToEnv(spec: ProcessSpec): Record<string, string> {
  const env: Record<string, string> = {
    [PROCESS_ENV.wiring]: spec.wiring,
    [PROCESS_ENV.group]: spec.group,
    [PROCESS_ENV.listenHost]: spec.listenHost,
    [PROCESS_ENV.rpcPort]: String(spec.rpcPort),
    [PROCESS_ENV.peers]: Object.entries(spec.peers).map(([group, address]) => `${group}=${address}`).join(','),
    [PROCESS_ENV.gatewayPort]: String(spec.gatewayPort),
    [PROCESS_ENV.healthPort]: String(spec.healthPort),
    [PROCESS_ENV.poolMax]: String(spec.poolMax),
    [PROCESS_ENV.httpConnections]: String(spec.httpConnections),
    [PROCESS_ENV.injectDelay]: spec.injectDelay,
    [PROCESS_ENV.strict]: spec.strict ? '1' : '0',
  };
  for (const [domain, url] of Object.entries(spec.dbUrls)) env[dbEnvVar(domain as keyof DbUrls)] = url;
  return env;
}

/** Reads a process's spec from its environment; every problem is named with the variable to set. */
export function specFromEnv(env: NodeJS.ProcessEnv): ProcessSpec {
  const need = (name: string, why: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: ${why}`);
    return value;
  };
  const wiring = parseWiring(need(PROCESS_ENV.wiring, 'the wiring this process belongs to, e.g. services/grpc'));
  const groupName = need(PROCESS_ENV.group, `the process of ${wiring.name} to run: one of ${wiring.groups.map((g) => g.name).join(', ')}`);
  const group = wiring.groups.find((g) => g.name === groupName);
  if (!group) throw new Error(`${PROCESS_ENV.group}=${groupName}: ${wiring.name} has the processes ${wiring.groups.map((g) => g.name).join(', ')}`);
  const remote = wiring.transport !== 'inproc';
  const dbUrls: DbUrls = {};
  for (const domain of domainsOf(group)) dbUrls[domain] = need(dbEnvVar(domain), `the URL of the ${domain} database (process ${group.name} hosts ${domain} services)`);
  return {
    wiring: wiring.name,
    group: group.name,
    listenHost: env[PROCESS_ENV.listenHost] || '127.0.0.1',
    rpcPort: port(env, PROCESS_ENV.rpcPort, DEFAULT_PORTS.rpc),
    peers: remote ? parsePeers(need(PROCESS_ENV.peers, 'where the other processes listen ("group=host:port,…" or "{group}:7000")'), wiring.groups.map((g) => g.name)) : {},
    gatewayPort: port(env, PROCESS_ENV.gatewayPort, DEFAULT_PORTS.gateway),
    healthPort: port(env, PROCESS_ENV.healthPort, DEFAULT_PORTS.health),
    dbUrls,
    poolMax: count(env, PROCESS_ENV.poolMax, DEFAULT_POOL_MAX),
    httpConnections: count(env, PROCESS_ENV.httpConnections, DEFAULT_HTTP_CONNECTIONS),
    injectDelay: env[PROCESS_ENV.injectDelay] ?? '',
    strict: flag(env, PROCESS_ENV.strict),
  };
}

/** Every group's address, from "group=host:port,…" or from a template in which {group} stands for the group's name. */
export function parsePeers(value: string, groups: string[]): Record<string, string> {
  if (value.includes('{group}')) return Object.fromEntries(groups.map((g) => [g, value.replaceAll('{group}', g)]));
  const peers: Record<string, string> = {};
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z][a-z0-9-]*)=(\S+:\d+)$/.exec(entry);
    if (!m) throw new Error(`${PROCESS_ENV.peers}: "${entry}" is not group=host:port`);
    peers[m[1]] = m[2];
  }
  const missing = groups.filter((g) => !peers[g]);
  if (missing.length) throw new Error(`${PROCESS_ENV.peers}: no address for ${missing.join(', ')}`);
  return peers;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}=${raw}: expected a port number (0 picks a free one)`);
  return n;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`${name}=${raw}: expected 1 (on) or 0 (off)`);
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw}: expected an integer ≥ 1`);
  return n;
}
