// What gets deployed, derived once from the placement code: for each headline wiring, its processes
// (services, databases, ports, share of the budget, environment). docker-compose.yml and the
// Kubernetes manifests are both rendered from this, so nobody writes 21 near-identical blocks by hand.
import fs from 'node:fs';
import { DRAIN_MS, STOP_DEADLINE_MS } from '../../targets/wirings/host.js';
import { DEPLOYED_WIRINGS, domainsOf, groupOf, parseWiring } from '../../targets/wirings/placement.js';
import { DEFAULT_PORTS, PROCESS_ENV } from '../../targets/wirings/process-env.js';

/** Pinned images. The Postgres minor matches the embedded server the suite runs locally (18.4). */
export const IMAGES = {
  suite: `splitbench:${JSON.parse(fs.readFileSync('package.json', 'utf8')).version}`,
  postgres: 'postgres:18.4-alpine',
  /** The Dockerfile's base (its NODE_IMAGE default). */
  node: 'node:20.20.2-alpine',
  k6: 'grafana/k6:2.1.0',
} as const;

/**
 * docker-compose.yml takes its base images as `${VAR:-pinned}`: unset (a user with Docker Hub) they are
 * the pinned ones; set, a local stand-in takes their place (npm run compose-check, where the registry
 * cannot be reached).
 */
export const BASE_IMAGE_ENV = { node: 'SPLITBENCH_NODE_IMAGE', postgres: 'SPLITBENCH_POSTGRES_IMAGE' } as const;

export interface Resources { milliCpu: number; memoryMiB: number; }

/**
 * Every wiring gets the same total for its service processes, split evenly among them: what a fixed
 * budget looks like once it is cut into 1, 6 or 21 pieces is part of what splitting costs. (One Node
 * process uses little more than one core, so the monolith cannot use all of its share.)
 */
export const SYSTEM_BUDGET: Resources = { milliCpu: 4000, memoryMiB: 4096 };
/** Each domain's Postgres server, the same in every wiring. */
export const DATABASE_RESOURCES: Resources = { milliCpu: 1000, memoryMiB: 1024 };
/** The one-shot job that migrates and seeds the databases before a wiring starts. */
export const SEED_RESOURCES: Resources = { milliCpu: 1000, memoryMiB: 512 };
/** The load generator, apart from the system under test. */
export const K6_RESOURCES: Resources = { milliCpu: 2000, memoryMiB: 2048 };

/** A stop's deadline plus a margin: how long compose and Kubernetes wait after SIGTERM before SIGKILL. */
export const STOP_GRACE_S = Math.ceil(STOP_DEADLINE_MS / 1000) + 2;
/**
 * Kubernetes terminates every pod of a namespace at once. The front door's process stops at once; every
 * other process waits out its drain first (preStop), so that accepted requests finish while their callees
 * still serve — what the supervisor achieves locally by stopping the gateway's process first.
 */
export const PRESTOP_S = { gateway: 0, others: Math.ceil(DRAIN_MS / 1000) + 2 } as const;

export interface ProcessPlan {
  /** The group's name: the Deployment and Service name in Kubernetes. */
  group: string;
  services: string[];
  /** Databases it gets a URL for: those of its own services' domains, no other. */
  domains: string[];
  hostsGateway: boolean;
  /** It serves RPC (the wiring's transport is http or grpc). */
  remote: boolean;
  resources: Resources;
}

export interface WiringPlan {
  wiring: string;
  /** The wiring's name as a compose profile, Kubernetes overlay and namespace suffix: services/grpc → services-grpc. */
  slug: string;
  processes: ProcessPlan[];
}

export const slugOf = (wiring: string) => wiring.replace(/\//g, '-');

export function deploymentPlan(): WiringPlan[] {
  return DEPLOYED_WIRINGS.map((name) => {
    const wiring = parseWiring(name);
    const gateway = groupOf(wiring, 'gateway');
    const n = wiring.groups.length;
    return {
      wiring: name,
      slug: slugOf(name),
      processes: wiring.groups.map((g) => ({
        group: g.name,
        services: g.services,
        domains: domainsOf(g),
        hostsGateway: g === gateway,
        remote: wiring.transport !== 'inproc',
        resources: { milliCpu: Math.floor(SYSTEM_BUDGET.milliCpu / n), memoryMiB: Math.floor(SYSTEM_BUDGET.memoryMiB / n) },
      })),
    };
  });
}

/**
 * A process's environment apart from its database URLs (compose writes those in, Kubernetes takes them
 * from a Secret). peers: where the other processes are, as a "{group}" template of DNS names.
 */
export function processEnv(wiring: WiringPlan, p: ProcessPlan, peers: string): Record<string, string> {
  return {
    [PROCESS_ENV.wiring]: wiring.wiring,
    [PROCESS_ENV.group]: p.group,
    [PROCESS_ENV.listenHost]: '0.0.0.0',
    [PROCESS_ENV.healthPort]: String(DEFAULT_PORTS.health),
    ...(p.remote ? { [PROCESS_ENV.rpcPort]: String(DEFAULT_PORTS.rpc), [PROCESS_ENV.peers]: peers } : {}),
    ...(p.hostsGateway ? { [PROCESS_ENV.gatewayPort]: String(DEFAULT_PORTS.gateway) } : {}),
  };
}
