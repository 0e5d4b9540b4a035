// The TCP transport's own framing, against bytes that break it: a peer that sends them is cut off
// or answered with an error frame, and the server keeps serving.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc, service } from '../contract.js';
import { newCtx } from '../ctx.js';
import { dispatcher, remoteStub } from '../envelope.js';
import { wrapHandlers } from '../handler.js';
import { HopRecorder } from '../hops.js';
import { int, msg, str } from '../schema.js';
import type { Listener } from '../transport.js';
import tcp from './tcp.js';

const Probe = service('splitbench.test.Probe', {
  echo: rpc({ input: msg({ text: str(0, 1_000), delayMs: int(0, 10) }), output: msg({ text: str(), length: int() }) }),
});
const api = { echo: async ({ text }: { text: string }) => ({ text, length: text.length }) };
const ctx = () => newCtx('tcp-test', 5_000, 'test');

describe('tcp framing, against bytes that break it', () => {
  let listener: Listener;
  beforeAll(async () => {
    listener = await tcp.serve([Probe], dispatcher([{ contract: Probe, handlers: wrapHandlers(Probe, api) }]), { port: 0, host: '127.0.0.1' });
  });
  afterAll(() => listener?.close());

  /** Sends raw bytes; resolves with what came back before the server closed the connection (or 300 ms passed). */
  const send = (bytes: Buffer) => new Promise<{ closed: boolean; received: number }>((resolve) => {
    const socket = net.connect(listener.port, '127.0.0.1');
    let received = 0;
    const timer = setTimeout(() => { socket.destroy(); resolve({ closed: false, received }); }, 300);
    socket.on('data', (d) => { received += d.length; });
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve({ closed: true, received }); });
    socket.write(bytes);
  });
  const frame = (body: Buffer, kind = 1, id = 7) => { const head = Buffer.alloc(9); head.writeUInt32BE(body.length + 5); head.writeUInt8(kind, 4); head.writeUInt32BE(id, 5); return Buffer.concat([head, body]); };

  it('cuts off a frame longer than its limit, a frame of the wrong kind and a truncated field', async () => {
    expect(await send(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]))).toMatchObject({ closed: true, received: 0 });
    expect(await send(frame(Buffer.alloc(4), 9))).toMatchObject({ closed: true, received: 0 });
    expect(await send(frame(Buffer.from([0x00, 0x40, 0x41])))).toMatchObject({ closed: true, received: 0 });
  });

  it('answers an unknown route and an undecodable message with an error frame, and keeps serving', async () => {
    const path = (p: string) => { const b = Buffer.from(p); const n = Buffer.alloc(2); n.writeUInt16BE(b.length); return Buffer.concat([n, b]); };
    const rest = (payload: Buffer) => { const t = Buffer.alloc(9); t.writeDoubleBE(1000); t.writeUInt8(0, 8); return Buffer.concat([t, payload]); };
    expect((await send(frame(Buffer.concat([path('nothing/here'), rest(Buffer.alloc(0))])))).received).toBeGreaterThan(9);
    expect((await send(frame(Buffer.concat([path('probe/echo'), rest(Buffer.from([0xff, 0xff, 0xff]))])))).received).toBeGreaterThan(9);
    const peer = tcp.dial(`127.0.0.1:${listener.port}`, { connections: 1 });
    try {
      expect(await remoteStub(Probe, peer, 'tcp', new HopRecorder()).echo({ text: 'still here', delayMs: 0 }, ctx())).toEqual({ text: 'still here', length: 10 });
    } finally {
      await peer.close();
    }
  });
});
