// docker-compose.yml: six Postgres servers (always), a seed job and one wiring's processes per profile,
// and k6 (profile "k6", started with `docker compose run`). Limits are service-level `cpu_shares`/`mem_limit`,
// which both Compose v2 and the Debian docker-compose 1.29 used by CI honour.
import { COMPOSE_DB, composeHostPort } from '../../targets/db/connect.js';
import { dbEnvVar } from '../../targets/db/domains.js';
import { SERVER_SETTINGS } from '../../targets/db/embedded.js';
import { SERVICES } from '../../targets/services.js';
import { DEFAULT_PORTS } from '../../targets/wirings/process-env.js';
import { K6_DIR } from './k6.js';
import { BASE_IMAGE_ENV, DATABASE_RESOURCES, IMAGES, K6_RESOURCES, SEED_RESOURCES, STOP_GRACE_S, processEnv, type ProcessPlan, type Resources, type WiringPlan } from './plan.js';

/** The network alias of whichever process serves the front door (one wiring runs at a time). */
export const FRONT_DOOR_HOST = 'frontdoor';

const dbService = (domain: string) => `db-${domain}`;
const networkDbUrl = (domain: string) => `postgres://${COMPOSE_DB.user}:${COMPOSE_DB.password}@${dbService(domain)}:5432/${domain}`;
/** A one-process wiring's container is named after the wiring; others after wiring and process. */
export const containerName = (w: WiringPlan, p: ProcessPlan) => (w.processes.length === 1 ? w.slug : `${w.slug}-${p.group}`);

/**
 * CPU as a weight (1 CPU of the budget = 1024 shares, Docker's unit), not a `cpus` quota: on one host the
 * budget (4 CPUs per wiring, plus the databases) is more than the host has, and Docker refuses a `cpus`
 * above the host's count (the monolith's 4.00 on a 2-CPU machine), while 21 hard quotas of 0.19 CPU
 * time out a checkout's chain of calls on a busy 2-core host. Weights split whatever the host has in
 * the budget's proportions, and only under contention. Memory stays a hard limit.
 */
export const cpuShares = (r: Resources) => Math.round((r.milliCpu * 1024) / 1000);
const limits = (r: Resources) => ({ cpu_shares: cpuShares(r), mem_limit: `${r.memoryMiB}m` });
const overridable = (env: string, image: string) => `\${${env}:-${image}}`;
/**
 * The seed job builds the suite's image (it is in every profile); every process uses it as built and
 * never pulls it. Compose v2 builds each service that has a build section on its own, all at once: 22
 * identical builds of one image for services/grpc, on a 2-core machine.
 */
const suiteBuild = { image: IMAGES.suite, build: { context: '.', dockerfile: 'Dockerfile', args: { NODE_IMAGE: overridable(BASE_IMAGE_ENV.node, IMAGES.node) } } };
const suiteImage = { image: IMAGES.suite, pull_policy: 'never' };
const probe = (test: string[]) => ({ test, interval: '5s', timeout: '3s', retries: 30, start_period: '10s' });

export function composeFile(plan: WiringPlan[]) {
  const services: Record<string, object> = {};
  for (const domain of SERVICES.domains) {
    services[dbService(domain)] = {
      image: overridable(BASE_IMAGE_ENV.postgres, IMAGES.postgres),
      command: ['postgres', ...SERVER_SETTINGS.flatMap((s) => ['-c', s])],
      environment: { POSTGRES_USER: COMPOSE_DB.user, POSTGRES_PASSWORD: COMPOSE_DB.password, POSTGRES_DB: domain },
      ports: [`127.0.0.1:${composeHostPort(SERVICES.domains, domain)}:5432`],
      // From Postgres 18 the image keeps its data under /var/lib/postgresql/<major>/docker: mount the parent.
      volumes: [`${dbService(domain)}:/var/lib/postgresql`],
      shm_size: '256m',
      healthcheck: probe(['CMD', 'pg_isready', '-U', COMPOSE_DB.user, '-d', domain]),
      ...limits(DATABASE_RESOURCES),
    };
  }
  services.seed = {
    ...suiteBuild,
    profiles: plan.map((w) => w.slug),
    command: ['node', 'dist/scripts/seed.js', '--db', 'env'],
    environment: Object.fromEntries(SERVICES.domains.map((d) => [dbEnvVar(d), networkDbUrl(d)])),
    depends_on: Object.fromEntries(SERVICES.domains.map((d) => [dbService(d), { condition: 'service_healthy' }])),
    ...limits(SEED_RESOURCES),
  };
  for (const w of plan) {
    for (const p of w.processes) {
      const others = w.processes.filter((o) => o !== p).map((o) => containerName(w, o));
      services[containerName(w, p)] = {
        ...suiteImage,
        profiles: [w.slug],
        environment: {
          ...processEnv(w, p, w.processes.length === 1 ? '{group}' : `${w.slug}-{group}:${DEFAULT_PORTS.rpc}`),
          ...Object.fromEntries(p.domains.map((d) => [dbEnvVar(d), networkDbUrl(d)])),
        },
        depends_on: {
          seed: { condition: 'service_completed_successfully' },
          // So that on `docker compose stop`/`down` the front door's process stops first. Started, not
          // healthy: a process is ready only once its peers listen, and some call the gateway's process.
          ...(p.hostsGateway ? Object.fromEntries(others.map((o) => [o, { condition: 'service_started' }])) : {}),
        },
        ...(p.hostsGateway ? { ports: [`127.0.0.1:${DEFAULT_PORTS.gateway}:${DEFAULT_PORTS.gateway}`], networks: { default: { aliases: [FRONT_DOOR_HOST] } } } : {}),
        healthcheck: probe(['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${DEFAULT_PORTS.health}/health/ready`]),
        stop_grace_period: `${STOP_GRACE_S}s`,
        ...limits(p.resources),
      };
    }
  }
  services.k6 = {
    image: IMAGES.k6,
    profiles: ['k6'],
    environment: { SPLITBENCH_TARGET: `http://${FRONT_DOOR_HOST}:${DEFAULT_PORTS.gateway}`, K6_NO_USAGE_REPORT: 'true' },
    volumes: [`./${K6_DIR}/scripts:/scripts:ro`, './results/k6:/results'],
    ...limits(K6_RESOURCES),
  };
  return { services, volumes: Object.fromEntries(SERVICES.domains.map((d) => [dbService(d), {}])) };
}
