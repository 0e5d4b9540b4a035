// Small node:http helpers shared by the RPC server and the gateway's front door.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ServiceError, httpStatus } from '../errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(tooLarge(declared, limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) { req.removeAllListeners('data'); req.resume(); reject(tooLarge(size, limit)); return; }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const tooLarge = (size: number, limit: number) =>
  new ServiceError('INVALID_ARGUMENT', 'BODY_TOO_LARGE', `request body of ${size} bytes exceeds the limit of ${limit} bytes`);

export function parseJson(body: Buffer, what: string): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new ServiceError('INVALID_ARGUMENT', 'MALFORMED_JSON', `${what}: body is not valid JSON (${(e as Error).message})`);
  }
}

export function sendJson(res: ServerResponse, status: number, payload: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: ServiceError, headers: Record<string, string> = {}) {
  sendJson(res, httpStatus(err), JSON.stringify({ error: err.toJSON() }), headers);
}

/**
 * The last-resort guard of every node:http listener: whatever a request handler throws or rejects
 * with becomes that request's 500 (or, once its answer has started, the end of its connection) and a
 * log line naming the listener and the request, never an unhandled rejection that ends the process.
 */
export function guarded(listener: string, handle: (req: IncomingMessage, res: ServerResponse) => unknown) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const fail = (err: unknown) => {
      process.stderr.write(`${listener}: unexpected error answering ${req.method} ${String(req.url).slice(0, 200)}: ${(err as Error)?.stack ?? String(err)}\n`);
      if (res.headersSent) { res.destroy(); return; }
      try {
        sendError(res, new ServiceError('INTERNAL', 'INTERNAL', `${listener}: unexpected error (logged)`));
      } catch {
        res.destroy();
      }
    };
    try {
      const out = handle(req, res);
      if (out instanceof Promise) out.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}

/** A body sent as something other than JSON is refused; no content-type at all is read as JSON. */
export function ensureJsonContent(req: IncomingMessage, what: string) {
  const type = req.headers['content-type'];
  if (type === undefined) return;
  const m = /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-?8"?\s*)?$/i.exec(type);
  if (!m) {
    throw new ServiceError('INVALID_ARGUMENT', 'UNSUPPORTED_MEDIA_TYPE', `${what}: content-type must be application/json (UTF-8), got "${type.slice(0, 80)}"`);
  }
}

const CONNECT_ANSWER = JSON.stringify({ error: { code: 'NOT_FOUND', reason: 'NO_ROUTE', message: 'no route for CONNECT: this server is not a proxy' } });
const NO_CONNECT = `HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(CONNECT_ANSWER)}\r\n\r\n${CONNECT_ANSWER}`;

/** CONNECT never reaches a request handler: without this, node drops the connection unanswered. */
export function refuseConnect(server: Server) {
  server.on('connect', (_req, socket) => { socket.on('error', () => {}); socket.end(NO_CONNECT); });
}
