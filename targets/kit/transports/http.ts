// HTTP/1.1 + JSON transport: a node:http server hosting every service of a process, and an undici
// Pool per target process (keep-alive; connection count is an explicit, recorded setting).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { httpPath, type Contract } from '../contract.js';
import { ensureTime, type Ctx } from '../ctx.js';
import { ServiceError, TransportError, isCode, toServiceError } from '../errors.js';
import type { Handler } from '../handler.js';
import type { HopRecorder } from '../hops.js';
import { shape, validate } from '../schema.js';
import { parseJson, readBody, sendError, sendJson } from './http-io.js';

interface Route { contract: Contract; method: string; handler: Handler; }

/** Between services, the same limit as gRPC's receive limit (grpc.ts): a relay batch of events fits; the public front door keeps its own, smaller one. */
const RPC_MAX_BODY_BYTES = 4 * 1024 * 1024;

export class HttpRpcServer {
  private routes = new Map<string, Route>();
  private server = http.createServer((req, res) => void this.handle(req, res));

  constructor() { this.server.keepAliveTimeout = 60_000; }

  add(contract: Contract, handlers: Record<string, Handler>) {
    for (const method of Object.keys(contract.methods)) this.routes.set(httpPath(contract, method), { contract, method, handler: handlers[method] });
  }

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => { this.server.close(() => resolve()); this.server.closeIdleConnections(); });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const route = req.method === 'POST' ? this.routes.get(req.url ?? '') : undefined;
    if (!route) return sendError(res, new ServiceError('NOT_FOUND', 'NO_ROUTE', `no RPC at ${req.method} ${req.url}`));
    const started = process.hrtime.bigint();
    const handlerUs = () => String(Number(process.hrtime.bigint() - started) / 1000);
    try {
      const input = parseJson(await readBody(req, RPC_MAX_BODY_BYTES), `${route.contract.name}.${route.method}`);
      const rpc = route.contract.methods[route.method];
      const problems = validate(rpc.input, input);
      if (problems.length) throw new ServiceError('INVALID_ARGUMENT', 'INVALID_INPUT', `${route.contract.name}.${route.method}: ${problems.join('; ')}`);
      const ctx: Ctx = {
        deadline: Date.now() + Number(req.headers['x-deadline-ms'] ?? 5000),
        requestId: String(req.headers['x-request-id'] ?? ''),
        caller: route.contract.name,
      };
      const output = await route.handler(input, ctx);
      sendJson(res, 200, JSON.stringify(shape(rpc.output, output)), { 'x-handler-us': handlerUs() });
    } catch (err) {
      sendError(res, toServiceError(err), { 'x-handler-us': handlerUs() });
    }
  }
}


/** Caller-side stub: same API as the implementation, every call a POST over the shared pool. */
export function httpClient(contract: Contract, pool: Pool, recorder: HopRecorder): Record<string, Handler> {
  const stub: Record<string, Handler> = {};
  for (const method of Object.keys(contract.methods)) {
    const path = httpPath(contract, method);
    const what = `${contract.name}.${method}`;
    stub[method] = async (input, ctx) => {
      const left = ensureTime(ctx, what);
      const body = JSON.stringify(input);
      const started = process.hrtime.bigint();
      let status: number, text: string, handlerHeader: string | string[] | undefined;
      try {
        const res = await pool.request({
          path, method: 'POST', body,
          headers: { 'content-type': 'application/json', 'x-deadline-ms': String(left), 'x-request-id': ctx.requestId, 'x-caller': ctx.caller },
          headersTimeout: left, bodyTimeout: left,
        });
        status = res.statusCode;
        handlerHeader = res.headers['x-handler-us'];
        text = await res.body.text();
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
          throw new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', `${what} over http: no answer within ${left} ms`);
        throw new TransportError('http', `${what} over http: ${(e as Error).message}`);
      }
      const rttUs = Number(process.hrtime.bigint() - started) / 1000;
      recorder.record({ from: ctx.caller, to: contract.name, method, transport: 'http', requestId: ctx.requestId, rttUs, handlerUs: Number(handlerHeader ?? rttUs), requestBytes: Buffer.byteLength(body), responseBytes: Buffer.byteLength(text) }, status !== 200);
      const payload = parseAnswer(text, what);
      if (status === 200) return payload;
      const err = (payload as { error?: { code?: unknown; reason?: string; message?: string } }).error;
      if (err && isCode(err.code)) throw new ServiceError(err.code, err.reason ?? err.code, err.message ?? '');
      throw new TransportError('http', `${what} over http: status ${status} without an error body`);
    };
  }
  return stub;
}

function parseAnswer(text: string, what: string): unknown {
  try { return JSON.parse(text); } catch { throw new TransportError('http', `${what} over http: answer is not JSON`); }
}

export const httpPool = (origin: string, connections: number) =>
  new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
