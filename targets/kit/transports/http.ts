// HTTP/1.1 + JSON transport: a node:http server hosting every service of a process, and an undici
// Pool per target process (keep-alive; connection count is an explicit, recorded setting).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { httpPath, type Contract } from '../contract.js';
import { DEFAULT_TIMEOUT_MS, ensureTime, parseRequestId, parseTimeoutMs, type Ctx } from '../ctx.js';
import { ServiceError, TransportError, isCode, toServiceError } from '../errors.js';
import type { Handler } from '../handler.js';
import type { HopRecorder } from '../hops.js';
import { shape, validate } from '../schema.js';
import { ensureJsonContent, guarded, parseJson, readBody, refuseConnect, sendError, sendJson } from './http-io.js';

interface Route { contract: Contract; method: string; handler: Handler; }

/** Between services, the same limit as gRPC's receive limit (grpc.ts): a relay batch of events fits; the public front door keeps its own, smaller one. */
const RPC_MAX_BODY_BYTES = 4 * 1024 * 1024;

export class HttpRpcServer {
  private routes = new Map<string, Route>();
  private server = http.createServer(guarded('rpc server', (req, res) => this.handle(req, res)));

  constructor() {
    this.server.keepAliveTimeout = 60_000;
    refuseConnect(this.server);
  }

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

  // Handler time runs from the decoded input (validation included) to the handler's answer: reading
  // and parsing the body, shaping and encoding the answer are the boundary's cost, as in grpc.ts.
  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const route = req.method === 'POST' ? this.routes.get(req.url ?? '') : undefined;
    if (!route) return sendError(res, new ServiceError('NOT_FOUND', 'NO_ROUTE', `no RPC at ${req.method} ${String(req.url).slice(0, 200)}`));
    const what = `${route.contract.name}.${route.method}`;
    let handlerUs = 0;
    try {
      const ctx: Ctx = {
        deadline: Date.now() + (parseTimeoutMs(req.headers['x-deadline-ms'], `${what}: x-deadline-ms`) ?? DEFAULT_TIMEOUT_MS),
        requestId: parseRequestId(req.headers['x-request-id'], `${what}: x-request-id`) ?? '',
        caller: route.contract.name,
      };
      ensureJsonContent(req, what);
      const input = parseJson(await readBody(req, RPC_MAX_BODY_BYTES), what);
      const rpc = route.contract.methods[route.method];
      const started = process.hrtime.bigint();
      let output: unknown;
      try {
        const problems = validate(rpc.input, input);
        if (problems.length) throw new ServiceError('INVALID_ARGUMENT', 'INVALID_INPUT', `${what}: ${problems.join('; ')}`);
        output = await route.handler(input, ctx);
      } finally {
        handlerUs = Number(process.hrtime.bigint() - started) / 1000;
      }
      sendJson(res, 200, JSON.stringify(shape(rpc.output, output)), { 'x-handler-us': String(handlerUs) });
    } catch (err) {
      sendError(res, toServiceError(err), { 'x-handler-us': String(handlerUs) });
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
      // The round trip counts encoding the request and decoding the answer, as gRPC's does (its
      // (de)serialisation runs inside the call): rtt − handler is the whole price of the boundary.
      const started = process.hrtime.bigint();
      const body = JSON.stringify(input);
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
      let payload: unknown;
      let decodeError: unknown;
      try { payload = parseAnswer(text, what); } catch (e) { decodeError = e; }
      const rttUs = Number(process.hrtime.bigint() - started) / 1000;
      recorder.record({ from: ctx.caller, to: contract.name, method, transport: 'http', requestId: ctx.requestId, rttUs, handlerUs: Number.isFinite(Number(handlerHeader)) ? Number(handlerHeader) : rttUs, requestBytes: Buffer.byteLength(body), responseBytes: Buffer.byteLength(text) }, status !== 200);
      if (decodeError) throw decodeError;
      if (status === 200) return payload;
      const err = (payload as { error?: { code?: unknown; reason?: string; message?: string } } | null)?.error;
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
