// Test helpers shared by the wiring suites: a front-door client and a database-state fingerprint
// that ignores what legitimately differs between runs (timestamps, sequence numbers).
import pg from 'pg';
import { Pool } from 'undici';
import type { FrontDoorRequest } from '../../scenarios/requests.js';
import type { DbUrls } from '../db/domains.js';
import { newCtx } from '../kit/ctx.js';
import { remoteStub } from '../kit/envelope.js';
import type { Handler } from '../kit/handler.js';
import { HopRecorder } from '../kit/hops.js';
import type { Peer } from '../kit/transport.js';
import { loadTransport } from '../kit/transports/index.js';
import { SERVICES } from '../services.js';
import { startGroup } from './host.js';
import { DEPLOYED_WIRINGS, groupOf, LADDER_WIRINGS } from './placement.js';
import type { RunningWiring } from './supervisor.js';

/** The every-wiring matrix: headline, every transport at 6 and 21 processes, the ladder, one extraction. */
export const MATRIX_WIRINGS = [...new Set([...DEPLOYED_WIRINGS, ...LADDER_WIRINGS]), 'extract:payment,warehouse/grpc'];

export interface Answer { status: number; body: any; }

export function frontDoorClient(url: string) {
  const pool = new Pool(url, { connections: 8 });
  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> => {
    const res = await pool.request({ method: method as 'GET', path, headers, body });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : null };
  };
  return {
    call,
    send: (r: FrontDoorRequest, extra: Record<string, string> = {}) => call(r.method, r.path, { ...r.headers, ...extra }, r.body),
    close: () => pool.close(),
  };
}

/** md5 of every table's rows, per table, with volatile columns (timestamps, serial numbers) left out. */
export async function stateFingerprint(urls: DbUrls): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const domain of SERVICES.domains) {
    const c = new pg.Client({ connectionString: urls[domain] });
    await c.connect();
    try {
      const { rows: cols } = await c.query(`
        SELECT table_schema AS s, table_name AS t,
               array_agg(column_name::text) FILTER (WHERE data_type LIKE 'timestamp%' OR column_default LIKE 'nextval%') AS volatile
        FROM information_schema.columns
        WHERE table_schema NOT IN ('public', 'pg_catalog', 'information_schema')
        GROUP BY 1, 2 ORDER BY 1, 2`);
      for (const { s, t, volatile } of cols) {
        const { rows } = await c.query(
          `SELECT count(*)::int AS n, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS h
           FROM (SELECT to_jsonb(x) - $1::text[] AS r FROM "${s}"."${t}" x) q`, [volatile ?? []]);
        out[`${domain}.${s}.${t}`] = `${rows[0].n} rows ${rows[0].h}`;
      }
    } finally {
      await c.end();
    }
  }
  return out;
}

/**
 * Calls any service of a running wiring through its contract, as another service would: over the
 * wiring's own transport to the process that hosts it, or — when no call leaves the process (monolith,
 * monolith/copy) — through a copy of the wiring's one process started here, under strict contracts.
 */
export async function contractCaller(wiring: RunningWiring, dbUrls: DbUrls) {
  const ctx = () => newCtx('contract-test', 5_000, 'test');
  if (wiring.wiring.transport === 'inproc') {
    const group = await startGroup({
      wiring: wiring.wiring.name, group: wiring.wiring.groups[0].name, listenHost: '127.0.0.1', rpcPort: 0, peers: {}, gatewayPort: 0, healthPort: 0,
      dbUrls, poolMax: 2, httpConnections: 1, injectDelay: '', strict: true,
    });
    return {
      call: (service: string, method: string, input: unknown) => group.local(service)[method](input, ctx()),
      close: () => group.stop(),
    };
  }
  const transport = await loadTransport(wiring.wiring.transport);
  const peers = new Map<string, Peer>();
  const stubs = new Map<string, Record<string, Handler>>();
  const recorder = new HopRecorder();
  const stubOf = (service: string) => {
    if (!stubs.has(service)) {
      const group = groupOf(wiring.wiring, service).name;
      if (!peers.has(group)) peers.set(group, transport.dial(wiring.rpcAddresses[group], { connections: 1 }));
      stubs.set(service, remoteStub(SERVICES.implementation(service).contract, peers.get(group)!, transport.name, recorder, true));
    }
    return stubs.get(service)!;
  };
  return {
    call: (service: string, method: string, input: unknown) => stubOf(service)[method](input, ctx()),
    close: async () => { await Promise.all([...peers.values()].map((p) => p.close())); },
  };
}
