// The front door: the public HTTP API, identical in every wiring, served by the process that hosts the
// gateway service. An edge adapter, not a service: it maps method, path, headers, query and body onto
// the gateway contract's inputs, validates them, calls the gateway and answers JSON. Bad input is a 4xx
// naming the problem, never a 5xx. Its process's health lives on the health port (health.ts), not here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Gateway } from '../contracts/platform/gateway.js';
import type { Api } from '../kit/contract.js';
import { newCtx, parseRequestId, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from '../kit/ctx.js';
import { ServiceError, invalid, toServiceError } from '../kit/errors.js';
import { shape, validate } from '../kit/schema.js';
import { ensureJsonContent, guarded, parseJson, readBody, refuseConnect, sendError, sendJson } from '../kit/transports/http-io.js';

type Method = keyof typeof Gateway.methods;
interface Call { method: Method; input: Record<string, unknown>; created?: boolean; }

/**
 * The request's URL. The target is read as a path even when it starts with "//" (new URL would take
 * that for a host and throw on "//"); an absolute URL (proxy form) is accepted too, anything else is a 400.
 */
function requestUrl(req: http.IncomingMessage): URL {
  const target = req.url ?? '/';
  try {
    if (target.startsWith('/')) return new URL(`http://gateway${target}`);
    if (/^https?:\/\//i.test(target)) return new URL(target);
  } catch { /* falls through to the 400 */ }
  throw invalid('BAD_REQUEST_TARGET', `request target "${target.slice(0, 100)}" is not a path such as /api/checkout`);
}

/** A path segment as text; a malformed %-escape (e.g. %E0%A4%A) is the client's error, not ours. */
function decodeSegment(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalid('INVALID_INPUT', `${what}: "${raw.slice(0, 100)}" is not valid percent-encoded UTF-8`);
  }
}

/** The service whose contract is the public API; its process serves the front door. */
export const FRONT_DOOR_SERVICE = Gateway.name;

export function frontDoor(gateway: Api<typeof Gateway>) {
  let inFlight = 0;
  const server = http.createServer(guarded('gateway', async (req, res) => {
    let url: URL;
    try {
      url = requestUrl(req);
    } catch (err) {
      return sendError(res, toServiceError(err));
    }
    inFlight++;
    try {
      const call = await route(req, url);
      const rpc = Gateway.methods[call.method];
      const problems = validate(rpc.input, call.input);
      if (problems.length) throw invalid('INVALID_INPUT', `${req.method} ${url.pathname}: ${problems.join('; ')}`);
      const ctx = newCtx(parseRequestId(req.headers['x-request-id'], 'x-request-id') ?? randomUUID(), timeoutOf(req), 'gateway');
      const output = await (gateway[call.method] as (i: unknown, c: typeof ctx) => Promise<unknown>)(shape(rpc.input, call.input), ctx);
      sendJson(res, call.created ? 201 : 200, JSON.stringify(shape(rpc.output, output)));
    } catch (err) {
      const e = toServiceError(err);
      if (e.code === 'INTERNAL') process.stderr.write(`gateway: ${req.method} ${url.pathname}: ${e.message}\n`);
      sendError(res, e);
    } finally {
      inFlight--;
    }
  }));
  refuseConnect(server);
  server.keepAliveTimeout = 60_000;
  return {
    listen: (port: number, host = '127.0.0.1') => new Promise<number>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new Error(`gateway port ${port} on ${host} is already in use`) : e));
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
    }),
    /** Stops accepting, lets in-flight requests finish (up to graceMs), then closes. */
    close: async (graceMs = 5_000) => {
      // From now on every answer ends its connection: a client that keeps reusing a keep-alive
      // connection would otherwise hold the drain open until the grace runs out and then lose the
      // request in flight. Installed only now, so it costs the request path nothing before a stop.
      server.prependListener('request', (_req, res) => res.setHeader('connection', 'close'));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const until = Date.now() + graceMs;
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      while (inFlight > 0 && Date.now() < until) await pause(10);
      server.closeIdleConnections(); // connections opened but never used
      await Promise.race([closed, pause(Math.max(0, until - Date.now()))]);
      server.closeAllConnections(); // whatever outlived the grace
      await closed;
    },
  };
}

async function route(req: http.IncomingMessage, url: URL): Promise<Call> {
  const path = url.pathname;
  const m = req.method;
  if (m === 'POST' && path === '/api/checkout') {
    const body = await jsonBody(req, 'POST /api/checkout');
    return { method: 'checkout', created: true, input: { ...body, token: bearer(req), idempotencyKey: idempotencyKey(req) } };
  }
  if (m === 'GET' && path.startsWith('/api/products/')) {
    return { method: 'browse', input: { sku: decodeSegment(path.slice('/api/products/'.length), 'path /api/products/<sku>') } };
  }
  if (m === 'GET' && path === '/api/search') {
    return { method: 'search', input: { q: url.searchParams.get('q') ?? undefined, limit: intParam(url, 'limit') } };
  }
  if (m === 'GET' && path === '/api/orders') {
    return { method: 'history', input: { token: bearer(req), limit: intParam(url, 'limit') } };
  }
  if (m === 'POST' && path === '/api/returns') {
    const body = await jsonBody(req, 'POST /api/returns');
    return { method: 'createReturn', created: true, input: { ...body, token: bearer(req), idempotencyKey: idempotencyKey(req) } };
  }
  throw new ServiceError('NOT_FOUND', 'NO_ROUTE', `no route for ${m} ${path}; routes: POST /api/checkout, GET /api/products/<sku>, GET /api/search?q=, GET /api/orders, POST /api/returns`);
}

async function jsonBody(req: http.IncomingMessage, what: string): Promise<Record<string, unknown>> {
  ensureJsonContent(req, what);
  const body = parseJson(await readBody(req), what);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('INVALID_INPUT', `${what}: body must be a JSON object`);
  return body as Record<string, unknown>;
}

function bearer(req: http.IncomingMessage): string {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m) throw new ServiceError('UNAUTHENTICATED', 'MISSING_TOKEN', 'Authorization header must be "Bearer <token>"');
  return m[1];
}

function idempotencyKey(req: http.IncomingMessage): string {
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || key.length === 0) throw invalid('MISSING_IDEMPOTENCY_KEY', 'Idempotency-Key header is required (1–128 characters)');
  return key;
}

function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw invalid('INVALID_INPUT', `query parameter ${name}: expected a positive integer, got "${String(raw).slice(0, 40)}"`);
  return Number(raw);
}

function timeoutOf(req: http.IncomingMessage): number {
  const raw = req.headers['x-timeout-ms'];
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = /^\d{1,6}$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_TIMEOUT_MS) throw invalid('INVALID_INPUT', `x-timeout-ms: expected an integer in 1…${MAX_TIMEOUT_MS}, got "${String(raw).slice(0, 40)}"`);
  return ms;
}
