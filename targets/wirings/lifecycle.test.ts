// Health endpoints and graceful shutdown, with real processes on real Postgres: the supervisor's way
// (forked, ordered stop) and the container way (started standalone from the environment, SIGTERM).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { checkoutRequest } from '../../scenarios/requests.js';
import { dbEnvVar } from '../db/domains.js';
import { freePort } from '../db/embedded.js';
import { checkInvariants } from '../db/invariants.js';
import { prepareDatabases } from '../db/prepare.js';
import type { SeedSize } from '../db/seed-data.js';
import { SERVICES } from '../services.js';
import { domainsOf, groupOf, parseWiring } from './placement.js';
import { PROCESS_ENV } from './process-env.js';
import { startWiring } from './supervisor.js';
import { frontDoorClient } from './testing.js';

const SIZE: SeedSize = { skus: 2_000, customers: 50 };
const dbUrls = inject('dbUrls');
const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() as any };
};

describe('health endpoints', () => {
  it('every process is live, and ready with a check per own database and per peer it calls', async () => {
    await prepareDatabases(dbUrls, SERVICES, SIZE);
    const wiring = await startWiring({ wiring: 'domains/grpc', dbUrls });
    try {
      for (const group of wiring.wiring.groups) {
        const base = wiring.healthUrls[group.name];
        expect((await getJson(`${base}/live`)).status, group.name).toBe(200);
        const ready = await getJson(`${base}/ready`);
        expect(ready.status, `${group.name}: ${JSON.stringify(ready.body)}`).toBe(200);
        const names = Object.keys(ready.body.checks);
        expect(names.filter((n) => n.startsWith('database ')), group.name).toEqual(domainsOf(group).map((d) => `database ${d}`));
        expect(Object.values(ready.body.checks).every((r) => r === 'ok')).toBe(true);
      }
      // The figures the supervisor reads over IPC, served on the health port too (containers have no supervisor).
      const viaIpc = await wiring.stats();
      for (const group of wiring.wiring.groups) {
        const statsUrl = wiring.healthUrls[group.name].replace(/\/health$/, '/stats');
        const served = (await getJson(statsUrl)).body;
        expect(Object.keys(served).sort(), group.name).toEqual(['cpuUs', 'edges', 'maxRssBytes', 'rssBytes']);
        expect([served.cpuUs > 0, served.rssBytes > 0, Array.isArray(served.edges)], group.name).toEqual([true, true, true]);
        expect(Object.keys(viaIpc.find((p) => p.group === group.name) ?? {}), group.name).toEqual(expect.arrayContaining(Object.keys(served)));
        // Background loops may call peers at any time: after a reset there are no more calls than before it.
        const calls = (edges: { calls: number }[]) => edges.reduce((n, e) => n + e.calls, 0);
        expect((await fetch(`${statsUrl}/reset`, { method: 'POST' })).status, group.name).toBe(200);
        expect(calls((await getJson(statsUrl)).body.edges), group.name).toBeLessThanOrEqual(calls(served.edges));
      }
      const gatewayChecks = Object.keys((await getJson(`${wiring.healthUrls.platform}/ready`)).body.checks);
      expect(gatewayChecks).toEqual(expect.arrayContaining(['peer commerce', 'peer identity', 'peer product']));
    } finally {
      await wiring.stop();
    }
    expect(wiring.exits().map((e) => [e.group, e.code, e.signal])).toEqual(wiring.wiring.groups.map((g) => [expect.any(String), 0, null]));
  });
});

describe('a process started standalone, as in a container', () => {
  const children: ChildProcess[] = [];
  afterAll(() => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });

  it('is unready until its peers listen, then serves, delivers events, and exits 0 on SIGTERM', async () => {
    await prepareDatabases(dbUrls, SERVICES, SIZE);
    const wiring = parseWiring('domains/http');
    const ports = Object.fromEntries(await Promise.all(wiring.groups.map(async (g) => [g.name, { rpc: await freePort(), health: await freePort() }] as const)));
    const gatewayPort = await freePort();
    const peers = wiring.groups.map((g) => `${g.name}=127.0.0.1:${ports[g.name].rpc}`).join(',');
    const start = (group: string) => {
      const own = domainsOf(wiring.groups.find((g) => g.name === group)!);
      // Only what a container is given: no IPC channel, one database URL per own domain, defaults for the rest.
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        [PROCESS_ENV.wiring]: wiring.name, [PROCESS_ENV.group]: group, [PROCESS_ENV.peers]: peers,
        [PROCESS_ENV.rpcPort]: String(ports[group].rpc), [PROCESS_ENV.healthPort]: String(ports[group].health), [PROCESS_ENV.gatewayPort]: String(gatewayPort),
        ...Object.fromEntries(own.map((d) => [dbEnvVar(d), dbUrls[d]])),
      };
      const child = spawn(process.execPath, [path.resolve('dist/targets/wirings/process.js')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (d) => process.stderr.write(`[${group}] ${d}`));
      children.push(child);
      return child;
    };
    const exited = (child: ChildProcess) => new Promise<[number | null, string | null]>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve([child.exitCode, child.signalCode]);
      else child.once('exit', (code, signal) => resolve([code, signal]));
    });
    const readiness = async (group: string) => getJson(`http://127.0.0.1:${ports[group].health}/health/ready`).catch(() => undefined);
    const until = async <T>(what: string, probe: () => Promise<T | undefined>) => {
      for (let i = 0; i < 300; i++) {
        const v = await probe();
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}`);
    };

    const gateway = groupOf(wiring, 'gateway').name;
    start(gateway);
    const alone = await until('the gateway process to answer /health/ready', () => readiness(gateway));
    expect(alone.status).toBe(503);
    expect(alone.body.checks[`peer commerce`]).toMatch(/ECONNREFUSED/);
    expect(alone.body.checks[`database platform`]).toBe('ok');
    expect(alone.body.checks).not.toHaveProperty('database commerce');

    for (const g of wiring.groups) if (g.name !== gateway) start(g.name);
    await until('every process to be ready', async () => {
      const all = await Promise.all(wiring.groups.map((g) => readiness(g.name)));
      return all.every((r) => r?.status === 200) ? true : undefined;
    });
    const client = frontDoorClient(`http://127.0.0.1:${gatewayPort}`);
    try {
      for (let n = 0; n < 5; n++) expect((await client.send(checkoutRequest(n, SIZE, 'standalone'))).status).toBe(201);
    } finally {
      await client.close();
    }
    // The outbox relay started by itself (no supervisor said "go"): every event is consumed.
    const report = await checkInvariants(dbUrls, SERVICES);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.events).toBeGreaterThan(0);

    for (const c of children) c.kill('SIGTERM');
    expect(await Promise.all(children.map(exited))).toEqual(children.map(() => [0, null]));
  });
});

describe('graceful shutdown under load', () => {
  for (const name of ['services/http', 'services/grpc']) {
    it(`${name}: SIGTERM loses no accepted request and leaves no connection open`, async () => {
      await prepareDatabases(dbUrls, SERVICES, SIZE);
      const wiring = await startWiring({ wiring: name, dbUrls });
      const outcomes = await loadThenStop(wiring.gatewayUrl, wiring.stop);

      const answered = outcomes.filter((o) => o.status !== undefined);
      const failed = outcomes.filter((o) => o.status === undefined);
      expect(outcomes.filter((o) => o.inFlightAtStop && o.status !== undefined).length, 'requests in flight at SIGTERM that were answered').toBeGreaterThan(0);
      // A business answer for every accepted request: no 5xx, no 503 from a half-stopped wiring.
      expect([...new Set(answered.map((o) => o.status))].filter((s) => ![201, 402, 409].includes(s!))).toEqual([]);
      // What got no answer never reached the gateway (refused, or a connection the gateway closed while idle).
      expect([...new Set(failed.map((o) => o.error))].filter((e) => !['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(e!))).toEqual([]);
      // …and did nothing: exactly one order per 201.
      expect(await orderCount()).toBe(answered.filter((o) => o.status === 201).length);

      expect(wiring.exits().filter((e) => e.code !== 0 || e.signal !== null), 'processes that did not stop cleanly').toEqual([]);
      expect(await appConnections(), 'database connections left open').toEqual(0);

      // Nothing accepted was lost downstream either: a restarted wiring drains the outbox and every invariant holds.
      const again = await startWiring({ wiring: name, dbUrls });
      try {
        const report = await checkInvariants(dbUrls, SERVICES);
        expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      } finally {
        await again.stop();
      }
    });
  }
});

interface Outcome { status?: number; error?: string; inFlightAtStop: boolean; }

/** 16 checkouts in flight at all times; once 100 are answered, stop() runs while the load goes on until the gateway refuses. */
async function loadThenStop(gatewayUrl: string, stop: () => Promise<void>): Promise<Outcome[]> {
  const pool = new Pool(gatewayUrl, { connections: 16 });
  const outcomes: Outcome[] = [];
  let next = 0;
  let stopping = false;
  let done = false;
  const inFlight = new Set<number>();
  let atStop = new Set<number>();
  let stopped!: Promise<void>;
  const worker = async () => {
    while (!done) {
      const n = next++;
      const r = checkoutRequest(n, SIZE, 'sigterm');
      inFlight.add(n);
      try {
        const res = await pool.request({ method: r.method, path: r.path, headers: r.headers, body: r.body });
        await res.body.text();
        outcomes.push({ status: res.statusCode, inFlightAtStop: atStop.has(n) });
      } catch (e) {
        outcomes.push({ error: (e as { code?: string }).code ?? (e as Error).message, inFlightAtStop: atStop.has(n) });
        if (stopping) break;
      } finally {
        inFlight.delete(n);
      }
      if (!stopping && outcomes.length >= 100) {
        stopping = true;
        atStop = new Set(inFlight);
        stopped = stop();
      }
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  await new Promise<void>((resolve) => { const t = setInterval(() => { if (stopping) { clearInterval(t); resolve(); } }, 10); });
  await stopped;
  done = true;
  await Promise.all(workers);
  await pool.close();
  return outcomes;
}

async function orderCount(): Promise<number> {
  const c = new pg.Client({ connectionString: dbUrls.commerce });
  await c.connect();
  try {
    return (await c.query('SELECT count(*)::int AS n FROM "order".orders')).rows[0].n;
  } finally {
    await c.end();
  }
}

/** Connections to the domain databases other than this check's own (a stopped wiring leaves none). */
async function appConnections(): Promise<number> {
  const c = new pg.Client({ connectionString: dbUrls.commerce });
  await c.connect();
  try {
    for (let i = 0; ; i++) {
      const { rows } = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()', [SERVICES.domains]);
      if (rows[0].n === 0 || i >= 50) return rows[0].n;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await c.end();
  }
}
