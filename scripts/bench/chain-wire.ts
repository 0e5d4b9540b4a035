// The bare chain's transports: the least code that moves a request of the checkout path's shape
// over each protocol and brings the callee's handler time back — no contracts, validation,
// deadlines, request ids or error mapping. Timing is placed exactly as the kit places it
// (targets/kit/transports/*.ts): the caller's round trip runs from before encoding the request to
// after decoding the answer; the callee's handler time from its decoded input to its answer, so
// rtt − handler covers the same work on both sides of the ratio.
import type http from 'node:http';
import type net from 'node:net';
import type * as Grpc from '@grpc/grpc-js';
import type { ChainTransport, Route } from './chain-graph.js';

export type Serve = (route: Route, input: unknown) => Promise<Record<string, unknown>>;
export interface WireServer { port: number; close(): Promise<void>; }
export interface CallResult { answer: unknown; rttUs: number; /** Absent when the callee sent none (a bug: counted per edge). */ handlerUs?: number; requestBytes: number; responseBytes: number; }
export interface WirePeer { call(route: Route, input: Record<string, unknown>): Promise<CallResult>; close(): Promise<void>; }
export interface Wire { serve(routes: Route[], handle: Serve): Promise<WireServer>; dial(address: string): Promise<WirePeer>; }

export interface WireOptions {
  /** HTTP/1.1 connections per target process (the kit's DEFAULT_HTTP_CONNECTIONS, so both sides queue alike). */
  httpConnections: number;
}

const sinceUs = (started: bigint) => Number(process.hrtime.bigint() - started) / 1000;

/** Loaded on demand, as the kit's host does: a process pays start-up only for the transport it uses. */
export async function wire(transport: ChainTransport, opts: WireOptions): Promise<Wire> {
  if (transport === 'http') return httpWire(opts);
  if (transport === 'grpc') return grpcWire();
  if (transport === 'tcp') return tcpWire();
  throw new Error(`bare chain: unknown transport "${transport as string}"`);
}

async function httpWire(opts: WireOptions): Promise<Wire> {
  const http = await import('node:http');
  const { Pool } = await import('undici');
  return {
    serve: (routes, handle) => {
      const byPath = new Map(routes.map((r) => [r.httpPath, r]));
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const route = byPath.get(req.url ?? '');
          if (!route) return answer(res, 404, 'no such route');
          let input: unknown;
          try { input = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { return answer(res, 400, 'not JSON'); }
          const started = process.hrtime.bigint();
          handle(route, input).then((out) => {
            const handlerUs = sinceUs(started);
            const body = JSON.stringify(out);
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-handler-us': String(handlerUs) });
            res.end(body);
          }, (e: Error) => answer(res, 500, e.message));
        });
      });
      server.keepAliveTimeout = 60_000;
      return listen(server, () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));
    },
    dial: async (address) => {
      const pool = new Pool(`http://${address}`, { connections: opts.httpConnections, pipelining: 1, keepAliveTimeout: 30_000 });
      return {
        async call(route, input) {
          const started = process.hrtime.bigint();
          const body = JSON.stringify(input);
          const res = await pool.request({ path: route.httpPath, method: 'POST', body, headers: { 'content-type': 'application/json' } });
          const text = await res.body.text();
          if (res.statusCode !== 200) throw new Error(`${route.httpPath}: status ${res.statusCode} ${text.slice(0, 200)}`);
          const decoded = JSON.parse(text);
          const rttUs = sinceUs(started);
          const header = Number(res.headers['x-handler-us']);
          return { answer: decoded, rttUs, handlerUs: Number.isFinite(header) ? header : undefined, requestBytes: Buffer.byteLength(body), responseBytes: Buffer.byteLength(text) };
        },
        close: () => pool.close(),
      };
    },
  };
}

function answer(res: http.ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function listen(server: net.Server, close: () => Promise<void>): Promise<WireServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, close }));
  });
}

/** The kit's channel options (targets/kit/transports/grpc.ts): they shape HTTP/2's windows and pings, so both sides use them. */
const GRPC_OPTIONS = { 'grpc.max_receive_message_length': 4 * 1024 * 1024, 'grpc.keepalive_time_ms': 60_000 };

async function grpcWire(): Promise<Wire> {
  const grpc = await import('@grpc/grpc-js');
  return {
    serve: async (routes, handle) => {
      const server = new grpc.Server(GRPC_OPTIONS);
      // One service definition per .proto service: pricing and shipping both have a method "Quote".
      for (const service of new Set(routes.map((r) => r.grpcService))) {
        const definition: Record<string, Grpc.MethodDefinition<any, any>> = {};
        const impl: Grpc.UntypedServiceImplementation = {};
        for (const r of routes.filter((x) => x.grpcService === service)) {
          definition[r.grpcMethod] = {
            path: r.grpcPath, requestStream: false, responseStream: false, originalName: r.grpcMethod,
            requestSerialize: (v: object) => Buffer.from(r.req.encode(v).finish()), requestDeserialize: (b: Buffer) => r.req.decode(b),
            responseSerialize: (v: object) => Buffer.from(r.res.encode(v).finish()), responseDeserialize: (b: Buffer) => r.res.decode(b),
          };
          impl[r.grpcMethod] = (call: Grpc.ServerUnaryCall<unknown, unknown>, callback: Grpc.sendUnaryData<unknown>) => {
            const started = process.hrtime.bigint();
            handle(r, call.request).then((out) => {
              const trailer = new grpc.Metadata();
              trailer.set('x-handler-us', String(sinceUs(started)));
              callback(null, out, trailer);
            }, (e: Error) => callback({ code: grpc.status.INTERNAL, details: e.message }));
          };
        }
        server.addService(definition, impl);
      }
      const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
      return { port, close: () => new Promise<void>((resolve) => { server.forceShutdown(); resolve(); }) };
    },
    dial: async (address) => {
      const client = new grpc.Client(address, grpc.credentials.createInsecure(), GRPC_OPTIONS);
      await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 10_000, (e) => (e ? reject(new Error(`${address}: ${e.message}`)) : resolve())));
      return {
        call: (route, input) => new Promise<CallResult>((resolve, reject) => {
          let requestBytes = 0;
          let responseBytes = 0;
          let decoded: unknown;
          const serialize = (v: object) => { const b = Buffer.from(route.req.encode(v).finish()); requestBytes = b.length; return b; };
          const deserialize = (b: Buffer) => { responseBytes = b.length; return route.res.decode(b); };
          const started = process.hrtime.bigint();
          const call = client.makeUnaryRequest(route.grpcPath, serialize, deserialize, input, (err, value) => { decoded = err ?? value; });
          // As in the kit: the status event carries the trailer and comes after the callback.
          call.on('status', (status: Grpc.StatusObject) => {
            const rttUs = sinceUs(started);
            if (status.code !== grpc.status.OK) return reject(new Error(`${route.grpcPath}: ${status.details}`));
            const trailer = status.metadata.get('x-handler-us')[0];
            resolve({ answer: decoded, rttUs, handlerUs: trailer === undefined ? undefined : Number(trailer), requestBytes, responseBytes });
          });
        }),
        close: async () => client.close(),
      };
    },
  };
}

// Framed TCP: every frame is a 4-byte length (of what follows), a 4-byte call id (calls share one
// connection and answers may come back in any order), then a request's 2-byte route id or an answer's
// 8-byte handler time (µs, float64) and 1-byte status, then the protobuf bytes (an error's text).
const REQUEST_HEAD = 4 + 4 + 2;
const ANSWER_HEAD = 4 + 4 + 8 + 1;

/** Cuts a byte stream into frames (each without its length prefix). */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (frame: Buffer) => void) {}
  push(chunk: Buffer) {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32LE(0);
      if (this.pending.length < 4 + length) return;
      const frame = this.pending.subarray(4, 4 + length);
      this.pending = this.pending.subarray(4 + length);
      this.onFrame(frame);
    }
  }
}

export function requestFrame(callId: number, routeId: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(REQUEST_HEAD + payload.length);
  frame.writeUInt32LE(REQUEST_HEAD - 4 + payload.length, 0);
  frame.writeUInt32LE(callId, 4);
  frame.writeUInt16LE(routeId, 8);
  frame.set(payload, REQUEST_HEAD);
  return frame;
}

export function answerFrame(callId: number, handlerUs: number, ok: boolean, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(ANSWER_HEAD + payload.length);
  frame.writeUInt32LE(ANSWER_HEAD - 4 + payload.length, 0);
  frame.writeUInt32LE(callId, 4);
  frame.writeDoubleLE(handlerUs, 8);
  frame.writeUInt8(ok ? 0 : 1, 16);
  frame.set(payload, ANSWER_HEAD);
  return frame;
}

async function tcpWire(): Promise<Wire> {
  const net = await import('node:net');
  return {
    serve: (routes, handle) => {
      const byId = new Map(routes.map((r) => [r.id, r]));
      const sockets = new Set<net.Socket>();
      const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.setNoDelay(true);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
        const reader = new FrameReader((frame) => {
          const callId = frame.readUInt32LE(0);
          const route = byId.get(frame.readUInt16LE(4));
          const fail = (e: Error) => socket.write(answerFrame(callId, 0, false, Buffer.from(e.message)));
          if (!route) return fail(new Error(`no route ${frame.readUInt16LE(4)}`));
          let input: unknown;
          try { input = route.req.decode(frame.subarray(6)); } catch (e) { return fail(e as Error); }
          const started = process.hrtime.bigint();
          handle(route, input).then((out) => {
            const handlerUs = sinceUs(started);
            socket.write(answerFrame(callId, handlerUs, true, route.res.encode(out).finish()));
          }, fail);
        });
        socket.on('data', (c: Buffer) => reader.push(c));
      });
      return listen(server, () => new Promise<void>((resolve) => { server.close(() => resolve()); for (const s of sockets) s.destroy(); }));
    },
    dial: async (address) => {
      const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect({ host, port }, () => resolve(s));
        s.once('error', reject);
      });
      socket.setNoDelay(true);
      interface Pending { route: Route; started: bigint; requestBytes: number; resolve(r: CallResult): void; reject(e: Error): void; }
      const pending = new Map<number, Pending>();
      let nextId = 0;
      const reader = new FrameReader((frame) => {
        const callId = frame.readUInt32LE(0);
        const p = pending.get(callId);
        if (!p) return;
        pending.delete(callId);
        const payload = frame.subarray(13);
        if (frame.readUInt8(12) !== 0) return p.reject(new Error(`${p.route.grpcPath} over tcp: ${payload.toString('utf8')}`));
        let decoded: unknown;
        try { decoded = p.route.res.decode(payload); } catch (e) { return p.reject(e as Error); }
        p.resolve({ answer: decoded, rttUs: sinceUs(p.started), handlerUs: frame.readDoubleLE(4), requestBytes: p.requestBytes, responseBytes: payload.length });
      });
      socket.on('data', (c: Buffer) => reader.push(c));
      const failAll = (why: string) => { for (const p of pending.values()) p.reject(new Error(`${address}: ${why}`)); pending.clear(); };
      socket.on('error', (e) => failAll(e.message));
      socket.on('close', () => failAll('connection closed'));
      return {
        call: (route, input) => new Promise<CallResult>((resolve, reject) => {
          const started = process.hrtime.bigint();
          const payload = route.req.encode(input).finish();
          const callId = nextId = (nextId + 1) >>> 0;
          pending.set(callId, { route, started, requestBytes: payload.length, resolve, reject });
          socket.write(requestFrame(callId, route.id, payload));
        }),
        close: async () => { socket.destroy(); },
      };
    },
  };
}
