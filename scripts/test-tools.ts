// External programs some tests need, in one list: how to tell each is there, how to get it.
// `npm test` installs what it can first (scripts/test-prereqs.ts); a suite that needs a tool still
// missing is skipped with the tool named in its title (scripts/describe-with.ts), and the
// skipped-tests reporter lists it in the run's last lines. Under CI=true nothing may be skipped: the suite fails, naming the tool —
// unless SPLITBENCH_TEST_ALLOW_SKIP names it (k6, which this project does not install: AGPL-3.0).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { k6Path } from './bench/k6.js';
import { COMPOSE_INSTALL, composePath } from './compose/engine.js';
import { TOXIPROXY_INSTALL, toxiproxyPath } from '../targets/wirings/toxiproxy.js';

export interface Tool {
  /** How to tell it is there. */
  found: () => boolean;
  /** The Debian package that provides it (installed by scripts/test-prereqs.ts when root or sudo allow). */
  aptPackage?: string;
  /** Any other command that installs it (run by scripts/test-prereqs.ts when missing and its program is on PATH). */
  install?: string[];
  /** What to do by hand. */
  how: string;
}

const runs = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;

/** Debian's Chromium only: the browser test never uses a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const TOOLS = {
  chromium: { found: () => fs.existsSync(CHROMIUM_PATH), aptPackage: 'chromium', how: `apt-get install -y chromium (Debian's, at ${CHROMIUM_PATH})` },
  'docker-compose': { found: () => runs('docker-compose', 'version'), aptPackage: 'docker-compose', how: 'apt-get install -y docker-compose (Debian\'s docker-compose 1.29)' },
  kubectl: { found: () => runs('kubectl', 'version', '--client'), how: 'install kubectl (not in Debian\'s archive: see kubernetes.io "Install kubectl on Linux")' },
  toxiproxy: { found: () => toxiproxyPath() !== undefined, install: TOXIPROXY_INSTALL.split(' '), how: `${TOXIPROXY_INSTALL} (a Go module, MIT), or set SPLITBENCH_TOXIPROXY to a toxiproxy-server binary` },
  // compose-check and its interruption test: podman (with runc) serves Docker's API, Compose v2 drives it,
  // debootstrap makes the stand-in base image where Docker Hub cannot be reached.
  podman: { found: () => runs('podman', '--version'), aptPackage: 'podman', how: 'apt-get install -y podman' },
  // podman's other runtime, crun, refuses cgroups v1 hosts.
  runc: { found: () => runs('runc', '--version'), aptPackage: 'runc', how: 'apt-get install -y runc' },
  debootstrap: { found: () => runs('debootstrap', '--version') || fs.existsSync('/usr/sbin/debootstrap'), aptPackage: 'debootstrap', how: 'apt-get install -y debootstrap' },
  'compose-v2': { found: () => composePath() !== undefined, install: ['sh', '-c', COMPOSE_INSTALL], how: `${COMPOSE_INSTALL} (Compose v2, a Go module, Apache-2.0; about 10 min of compiling), or set SPLITBENCH_COMPOSE` },
  k6: { found: () => k6Path() !== undefined, how: 'splitbench does not install k6 (AGPL-3.0): put a k6 binary on PATH or in $(go env GOPATH)/bin, or set SPLITBENCH_K6' },
} satisfies Record<string, Tool>;

export type ToolName = keyof typeof TOOLS;

/** Tools whose absence CI=true tolerates (comma-separated SPLITBENCH_TEST_ALLOW_SKIP). */
export const allowedSkips = (): string[] => (process.env.SPLITBENCH_TEST_ALLOW_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const isCi = () => /^(1|true)$/i.test(process.env.CI ?? '');
