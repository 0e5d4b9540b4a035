// Every process's health listener: a plain HTTP server on its own port, apart from the measured
// listeners (front door, HTTP or gRPC RPC server), so probes add no work on their request path and
// gRPC processes need no gRPC health service. Kubernetes and compose probe it the same way.
//   GET /health/live   200 while the process runs
//   GET /health/ready  200 when serving and every check passes (its databases, its peers' connections), else 503
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { guarded, refuseConnect } from '../kit/transports/http-io.js';

export interface Readiness { ready: boolean; checks: Record<string, string>; }
export type Check = () => Promise<void>;

/** How long one check may take; Kubernetes probes time out after 2 s (deploy manifests). */
export const CHECK_TIMEOUT_MS = 1_000;

/** Runs every check at once; a check that throws or takes too long names its problem. */
export async function runChecks(checks: Record<string, Check>, timeoutMs = CHECK_TIMEOUT_MS): Promise<Readiness> {
  const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); });
    try {
      await Promise.race([check(), timeout]);
      return [name, 'ok'] as const;
    } catch (e) {
      return [name, (e as Error).message || String(e)] as const;
    } finally {
      clearTimeout(timer);
    }
  }));
  return { ready: results.every(([, r]) => r === 'ok'), checks: Object.fromEntries(results) };
}

/**
 * A database answers. Through an idle connection of the service's pool when there is one (no new
 * connection, no authentication to pay for on every probe); otherwise through a short-lived connection
 * of its own, so that a probe never queues behind requests (a busy pool is not an unready process).
 */
export const databaseCheck = (url: string, pool: pg.Pool): Check => async () => {
  if (pool.idleCount > 0) {
    await pool.query('SELECT 1');
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CHECK_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
};

/** GET /stats: the process's own figures (process-stats.ts); POST /stats/reset starts the per-hop timing afresh. */
export interface StatsEndpoint { read(): object; reset(): void; }

export function healthServer(readiness: () => Promise<Readiness>, stats?: StatsEndpoint) {
  const server = http.createServer(guarded('health', (req, res) => {
    const answer = (status: number, body: object) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method === 'GET' && req.url === '/health/live') return answer(200, { status: 'live' });
    if (req.method === 'GET' && req.url === '/health/ready') {
      return void readiness().then(
        (r) => answer(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'unready', checks: r.checks }),
        (e) => answer(503, { status: 'unready', error: (e as Error).message }),
      );
    }
    if (stats && req.method === 'GET' && req.url === '/stats') return answer(200, stats.read());
    if (stats && req.method === 'POST' && req.url === '/stats/reset') { stats.reset(); return answer(200, { status: 'reset' }); }
    answer(404, { error: { code: 'NOT_FOUND', reason: 'NO_ROUTE', message: 'health endpoints: GET /health/live, GET /health/ready, GET /stats, POST /stats/reset' } });
  }));
  refuseConnect(server);
  return {
    listen: (port: number, host: string) => new Promise<number>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new Error(`health port ${port} on ${host} is already in use`) : e));
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
    }),
    /** Probes are short: whatever is still open is closed at once. */
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
