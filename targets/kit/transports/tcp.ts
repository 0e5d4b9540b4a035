// Raw TCP: length-prefixed protobuf frames on one socket per peer, calls multiplexed by id — no HTTP,
// no HTTP/2, so the ladder has the floor of a boundary without a protocol stack.
//   frame   = u32 length of the rest | u8 kind | u32 call id | body
//   request = u16 n | "<service>/<method>" (n bytes) | f64 milliseconds left | u8 n | request id | protobuf input
//   answer  = u8 0 | f64 handler µs | protobuf output
//           | u8 1 | f64 handler µs | u16 n | code | u16 n | reason | u16 n | message
// A peer that breaks the framing is cut off: there is no way to find the next frame.
import net from 'node:net';
import type { Contract } from '../contract.js';
import { ServiceError, TransportError, isCode } from '../errors.js';
import { protoCodecs, type MethodCodec } from '../proto.js';
import { splitAddress, type Dispatch, type Outbound, type Peer, type Reply, type RemoteTransport } from '../transport.js';

const MAX_FRAME_BYTES = 4 * 1024 * 1024;
const REQUEST = 1;
const ANSWER = 2;
const STOP_GRACE_MS = 2_000;
/** u32 length, u8 kind, u32 call id. */
const HEAD_BYTES = 4 + 1 + 4;

/** The error answer's fields, each a part of its own: rare, so clarity over one allocation. */
class Writer {
  private parts: Buffer[] = [Buffer.allocUnsafe(HEAD_BYTES)];
  u8(n: number) { const b = Buffer.allocUnsafe(1); b.writeUInt8(n); this.parts.push(b); return this; }
  f64(n: number) { const b = Buffer.allocUnsafe(8); b.writeDoubleBE(n); this.parts.push(b); return this; }
  text(s: string) {
    const b = Buffer.from(s, 'utf8').subarray(0, 0xffff);
    const n = Buffer.allocUnsafe(2);
    n.writeUInt16BE(b.length);
    this.parts.push(n, b);
    return this;
  }
  frame(kind: number, id: number): Buffer { return head(Buffer.concat(this.parts), kind, id); }
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  u8() { return this.buf.readUInt8((this.at += 1) - 1); }
  f64() { return this.buf.readDoubleBE((this.at += 8) - 8); }
  text(lengthBytes: 1 | 2) {
    const n = lengthBytes === 1 ? this.u8() : this.buf.readUInt16BE((this.at += 2) - 2);
    if (this.at + n > this.buf.length) throw new Error('truncated field');
    return this.buf.toString('utf8', this.at, (this.at += n));
  }
  rest() { return this.buf.subarray(this.at); }
}

/** Splits a byte stream into frames; a frame out of bounds ends the connection. */
function framed(socket: net.Socket, onFrame: (kind: number, id: number, body: Buffer) => void) {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (length < 5 || length > MAX_FRAME_BYTES) { socket.destroy(new Error(`frame of ${length} bytes is out of bounds (5…${MAX_FRAME_BYTES})`)); return; }
      if (pending.length < 4 + length) return;
      const frame = pending.subarray(4, 4 + length);
      pending = pending.subarray(4 + length);
      try {
        onFrame(frame.readUInt8(0), frame.readUInt32BE(1), frame.subarray(5));
      } catch (e) {
        socket.destroy(e as Error);
        return;
      }
    }
  });
}

/** The two frames of every call, each written into one buffer (the Writer is for the rarer error answer). */
function requestFrame(id: number, path: Buffer, timeoutMs: number, requestId: string, payload: Buffer): Buffer {
  const idRoom = Math.min(Buffer.byteLength(requestId), 0xff);
  const frame = Buffer.allocUnsafe(HEAD_BYTES + 2 + path.length + 8 + 1 + idRoom + payload.length);
  let at = frame.writeUInt16BE(path.length, HEAD_BYTES);
  at += path.copy(frame, at);
  at = frame.writeDoubleBE(timeoutMs, at);
  // Whole characters only: an id cut at 255 bytes may leave a little of its room unused.
  const idBytes = frame.write(requestId, at + 1, idRoom, 'utf8');
  at = frame.writeUInt8(idBytes, at) + idBytes;
  at += payload.copy(frame, at);
  return head(frame.subarray(0, at), REQUEST, id);
}

function answerFrame(id: number, handlerUs: number, output: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEAD_BYTES + 1 + 8 + output.length);
  frame.writeUInt8(0, HEAD_BYTES);
  frame.writeDoubleBE(handlerUs, HEAD_BYTES + 1);
  output.copy(frame, HEAD_BYTES + 9);
  return head(frame, ANSWER, id);
}

function head(frame: Buffer, kind: number, id: number): Buffer {
  frame.writeUInt32BE(frame.length - 4, 0);
  frame.writeUInt8(kind, 4);
  frame.writeUInt32BE(id, 5);
  return frame;
}

const errorFrame = (id: number, e: ServiceError, handlerUs: number) =>
  new Writer().u8(1).f64(handlerUs).text(e.code).text(e.reason).text(e.message).frame(ANSWER, id);

function serve(contracts: Contract[], dispatch: Dispatch, at: { port: number; host: string }) {
  const routes = new Map<string, { service: string; method: string; codec: MethodCodec }>();
  for (const contract of contracts) {
    for (const [method, codec] of Object.entries(protoCodecs(contract))) routes.set(`${contract.name}/${method}`, { service: contract.name, method, codec });
  }
  const sockets = new Map<net.Socket, { inFlight: number }>();
  let closing = false;
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    const state = { inFlight: 0 };
    sockets.set(socket, state);
    socket.once('close', () => sockets.delete(socket));
    framed(socket, (kind, id, body) => {
      if (kind !== REQUEST) throw new Error(`unexpected frame kind ${kind}`);
      const r = new Reader(body);
      const path = r.text(2);
      const timeoutMs = r.f64();
      const requestId = r.text(1);
      const route = routes.get(path);
      const answer = (frame: Buffer) => { if (!socket.destroyed) socket.write(frame); if (--state.inFlight === 0 && closing) socket.end(); };
      state.inFlight++;
      if (!route) return answer(errorFrame(id, new ServiceError('NOT_FOUND', 'NO_ROUTE', `no RPC ${path.slice(0, 200)} here`), 0));
      let input: unknown;
      try {
        input = route.codec.decodeRequest(r.rest());
      } catch (e) {
        return answer(errorFrame(id, new ServiceError('INVALID_ARGUMENT', 'MALFORMED_MESSAGE', `${path}: request is not a valid protobuf message (${(e as Error).message})`), 0));
      }
      void dispatch({ service: route.service, method: route.method, input, timeoutMs, requestId }).then((a) => {
        if (a.error) return answer(errorFrame(id, a.error, a.handlerUs));
        let output: Buffer;
        try {
          output = route.codec.encodeResponse(a.output as object);
        } catch (e) {
          return answer(errorFrame(id, new ServiceError('INTERNAL', 'INTERNAL', `${path}: answer cannot be encoded (${(e as Error).message})`), a.handlerUs));
        }
        answer(answerFrame(id, a.handlerUs, output));
      });
    });
  });
  return new Promise<{ port: number; close(): Promise<void> }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve({
      port: (server.address() as net.AddressInfo).port,
      // No new connections; idle ones end now, busy ones once their calls are answered (or at the grace).
      close: () => new Promise<void>((done) => {
        closing = true;
        const force = setTimeout(() => { for (const s of sockets.keys()) s.destroy(); }, STOP_GRACE_MS);
        server.close(() => { clearTimeout(force); done(); });
        for (const [s, state] of sockets) if (state.inFlight === 0) s.end();
      }),
    }));
  });
}

interface Waiting { resolve(r: Reply): void; reject(e: Error): void; timer: NodeJS.Timeout; codec: MethodCodec; requestBytes: number; contract: Contract; method: string }

const paths = new WeakMap<Contract, Record<string, Buffer>>();
/** "<service>/<method>" as the request carries it, encoded once per method. */
function pathBytes(contract: Contract, method: string): Buffer {
  let byMethod = paths.get(contract);
  if (!byMethod) paths.set(contract, (byMethod = Object.fromEntries(Object.keys(contract.methods).map((m) => [m, Buffer.from(`${contract.name}/${m}`, 'utf8')]))));
  return byMethod[method];
}

function dial(address: string): Peer {
  let socket: net.Socket | undefined;
  let connected: Promise<void> | undefined;
  let nextId = 1;
  const waiting = new Map<number, Waiting>();

  const failAll = (why: string) => {
    for (const [id, w] of waiting) { clearTimeout(w.timer); waiting.delete(id); w.reject(new TransportError('tcp', `${w.contract.name}.${w.method} over tcp: ${why}`)); }
  };
  const open = () => {
    if (socket && !socket.destroyed) return socket;
    const s = net.connect(splitAddress(address));
    s.setNoDelay(true);
    socket = s;
    connected = new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
    connected.catch(() => {});
    s.on('error', () => {});
    s.once('close', () => { if (socket === s) socket = undefined; failAll(`connection to ${address} closed`); });
    framed(s, (kind, id, body) => {
      if (kind !== ANSWER) throw new Error(`unexpected frame kind ${kind}`);
      const w = waiting.get(id);
      if (!w) return; // answered after its deadline: the caller has moved on
      waiting.delete(id);
      clearTimeout(w.timer);
      const r = new Reader(body);
      const failed = r.u8() === 1;
      const handlerUs = r.f64();
      const sizes = { requestBytes: w.requestBytes, responseBytes: body.length, handlerUs };
      try {
        if (!failed) return w.resolve({ output: w.codec.decodeResponse(r.rest() as Buffer), ...sizes });
        const code = r.text(2);
        const reason = r.text(2);
        const message = r.text(2);
        w.resolve({ error: { code: isCode(code) ? code : 'INTERNAL', reason, message }, ...sizes });
      } catch (e) {
        w.reject(new TransportError('tcp', `${w.contract.name}.${w.method} over tcp: undecodable answer (${(e as Error).message})`));
      }
    });
    return s;
  };

  return {
    call: ({ contract, method, input, timeoutMs, requestId }: Outbound) => new Promise<Reply>((resolve, reject) => {
      const codec = protoCodecs(contract)[method];
      const payload = codec.encodeRequest(input as object);
      const id = nextId;
      nextId = nextId === 0xffffffff ? 1 : nextId + 1;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', `${contract.name}.${method} over tcp: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, { resolve, reject, timer, codec, requestBytes: payload.length, contract, method });
      open().write(requestFrame(id, pathBytes(contract, method), timeoutMs, requestId, payload));
    }),
    check: async (timeoutMs) => {
      open();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([connected, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs); })]);
      } catch (e) {
        throw new Error(`${address}: ${(e as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => { socket?.end(); failAll('closed by the caller'); },
  };
}

const transport: RemoteTransport = { name: 'tcp', label: 'TCP', serve, dial };
export default transport;
