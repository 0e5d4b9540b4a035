// The container engine compose-check drives: podman, its Docker-compatible API served on a socket of
// our own (what Compose v2 speaks), and the runtime podman must use on this kernel.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goBins, isExecutable, onPath } from '../../targets/wirings/binaries.js';

/** Where some kernels refuse setrlimit in a container; this wrapper drops the rlimits from the OCI spec. */
export const RUNC_WITHOUT_RLIMITS = path.resolve('scripts/compose/runc-without-rlimits');
const RLIMIT_REFUSED = /error setting rlimit/;

/** Compose v2, pinned: built from its Go module (Apache-2.0) into Docker's CLI plugin folder. */
export const COMPOSE_VERSION = 'v2.40.3';
export const COMPOSE_INSTALL = `go mod download github.com/docker/compose/v2@${COMPOSE_VERSION} && (cd "$(go env GOMODCACHE)/github.com/docker/compose/v2@${COMPOSE_VERSION}" && go build -trimpath -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=${COMPOSE_VERSION}" -o ~/.docker/cli-plugins/docker-compose ./cmd)`;

export interface Run { status: number | null; stdout: string; stderr: string; }
export const run = (cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; cwd?: string } = {}): Run => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: opts.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 600_000, input: opts.input, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
};

export const podmanPath = () => process.env.SPLITBENCH_PODMAN ?? onPath('podman');

/** Compose v2 as `docker compose` would find it (SPLITBENCH_COMPOSE first), or undefined. */
export function composePath(): string | undefined {
  const home = os.homedir();
  const candidates = [
    process.env.SPLITBENCH_COMPOSE,
    path.join(home, '.docker/cli-plugins/docker-compose'),
    '/usr/local/lib/docker/cli-plugins/docker-compose',
    '/usr/libexec/docker/cli-plugins/docker-compose',
    ...goBins().map((d) => path.join(d, 'docker-compose')),
  ].filter((c): c is string => !!c && isExecutable(c));
  // Debian's docker-compose 1.29 (in /usr/bin) has no --wait: only a v2 will do.
  return candidates.find((c) => /^v?2\./.test(run(c, ['version', '--short'], { timeoutMs: 20_000 }).stdout.trim()));
}

/**
 * podman's global flags for this kernel: none where a plain container runs; runc where the default
 * runtime cannot run one (crun refuses cgroups v1); the rlimit-free runc where runc fails on setrlimit.
 */
export function runtimeArgs(podman: string, probeImage: string): string[] {
  const tried: string[] = [];
  const runc = onPath('runc');
  for (const args of [[], ...(runc ? [['--runtime', runc], ['--runtime', RUNC_WITHOUT_RLIMITS]] : [])]) {
    const r = run(podman, [...args, 'run', '--rm', '--network', 'none', probeImage, 'true'], { timeoutMs: 120_000 });
    if (r.status === 0) return args;
    tried.push(`podman ${[...args, 'run'].join(' ')}: ${r.stderr.trim().split('\n').at(-1)}`);
    if (args.length && !RLIMIT_REFUSED.test(r.stderr)) break;
  }
  throw new Error(`podman cannot run a container${runc ? '' : ' (and runc, the fallback, is missing: apt-get install runc)'}:\n  ${tried.join('\n  ')}`);
}

export interface ApiService { socket: string; dockerHost: string; stop(): Promise<void>; pid: number | undefined; }

/** `podman system service` on a socket in a fresh folder, in its own process group (a Ctrl-C must not stop it before teardown has used it). */
export async function startApiService(podman: string, globalArgs: string[]): Promise<ApiService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-podman-'));
  const socket = path.join(dir, 'podman.sock');
  const child: ChildProcess = spawn(podman, [...globalArgs, 'system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore', detached: true });
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`podman system service did not open ${socket}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once('exit', r));
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { socket, dockerHost: `unix://${socket}`, stop, pid: child.pid };
}
