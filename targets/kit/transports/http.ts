// HTTP/1.1 + JSON: a node:http server for every service of a process (POST /rpc/<service>/<method>),
// and an undici Pool per peer process (keep-alive; its connection count is an explicit, recorded setting).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { httpPath, type Contract } from '../contract.js';
import { ServiceError, TransportError, isCode } from '../errors.js';
import { probeConnect, type Dispatch, type Outbound, type Peer, type Reply, type RemoteTransport } from '../transport.js';
import { ensureJsonContent, guarded, parseJson, readBody, refuseConnect, sendError, sendJson } from './http-io.js';

/** Between services, the same limit as gRPC's receive limit (grpc.ts): a relay batch of events fits; the public front door keeps its own, smaller one. */
const RPC_MAX_BODY_BYTES = 4 * 1024 * 1024;

const ROUTE = /^\/rpc\/([A-Za-z]+)\/([A-Za-z]+)$/;

function serve(_contracts: Contract[], dispatch: Dispatch, at: { port: number; host: string }) {
  const server = http.createServer(guarded('rpc server', async (req, res) => {
    const route = req.method === 'POST' ? ROUTE.exec(req.url ?? '') : null;
    if (!route) return sendError(res, new ServiceError('NOT_FOUND', 'NO_ROUTE', `no RPC at ${req.method} ${String(req.url).slice(0, 200)}`));
    const [, service, method] = route;
    const what = `${service}.${method}`;
    let input: unknown;
    try {
      ensureJsonContent(req, what);
      input = parseJson(await readBody(req, RPC_MAX_BODY_BYTES), what);
    } catch (err) {
      return sendError(res, err as ServiceError);
    }
    const answer = await dispatch({ service, method, input, timeoutMs: req.headers['x-deadline-ms'] as string | undefined, requestId: req.headers['x-request-id'] });
    const headers = { 'x-handler-us': String(answer.handlerUs) };
    if (answer.error) sendError(res, answer.error, headers);
    else sendJson(res, 200, JSON.stringify(answer.output), headers);
  }));
  server.keepAliveTimeout = 60_000;
  refuseConnect(server);
  return new Promise<{ port: number; close(): Promise<void> }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve({
      port: (server.address() as AddressInfo).port,
      close: () => new Promise<void>((done) => { server.close(() => done()); server.closeIdleConnections(); }),
    }));
  });
}

function dial(address: string, options: { connections: number }): Peer {
  const pool = new Pool(`http://${address}`, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  return {
    async call({ contract, method, input, timeoutMs, requestId }: Outbound): Promise<Reply> {
      const what = `${contract.name}.${method}`;
      const body = JSON.stringify(input);
      let status: number, text: string, handlerUs: string | string[] | undefined;
      try {
        const res = await pool.request({
          path: httpPath(contract, method), method: 'POST', body,
          headers: { 'content-type': 'application/json', 'x-deadline-ms': String(timeoutMs), 'x-request-id': requestId },
          headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
        });
        status = res.statusCode;
        handlerUs = res.headers['x-handler-us'];
        text = await res.body.text();
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
          throw new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', `${what} over http: no answer within ${timeoutMs} ms`);
        throw new TransportError('http', `${what} over http: ${(e as Error).message}`);
      }
      let payload: unknown;
      try { payload = JSON.parse(text); } catch { throw new TransportError('http', `${what} over http: answer is not JSON`); }
      const sizes = { requestBytes: Buffer.byteLength(body), responseBytes: Buffer.byteLength(text), handlerUs: Number.isFinite(Number(handlerUs)) ? Number(handlerUs) : undefined };
      if (status === 200) return { output: payload, ...sizes };
      const err = (payload as { error?: { code?: unknown; reason?: string; message?: string } } | null)?.error;
      if (err && isCode(err.code)) return { error: { code: err.code, reason: err.reason ?? err.code, message: err.message ?? '' }, ...sizes };
      throw new TransportError('http', `${what} over http: status ${status} without an error body`);
    },
    // Up when the pool holds an open connection, or else when one can be opened.
    check: async (timeoutMs: number) => { if (pool.stats.connected === 0) await probeConnect(address, timeoutMs); },
    close: () => pool.close(),
  };
}

const transport: RemoteTransport = { name: 'http', label: 'HTTP', serve, dial };
export default transport;
