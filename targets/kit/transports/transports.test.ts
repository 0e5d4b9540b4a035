// One suite for every registered remote transport (the Moleculer model: a transport only moves
// bytes, so every transport must give the same answers, errors, deadlines and failures through the
// envelope). In-process: one server and one peer per transport, on 127.0.0.1, no database.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc, service } from '../contract.js';
import { newCtx } from '../ctx.js';
import { dispatcher, remoteStub } from '../envelope.js';
import { ServiceError, TransportError } from '../errors.js';
import { wrapHandlers, type Handler } from '../handler.js';
import { HopRecorder } from '../hops.js';
import { int, msg, str } from '../schema.js';
import type { Listener, Peer } from '../transport.js';
import { REMOTE_TRANSPORT_NAMES, loadTransport } from './index.js';

const Probe = service('splitbench.test.Probe', {
  echo: rpc({ input: msg({ text: str(0, 1_000_000), delayMs: int(0, 10_000) }), output: msg({ text: str(), length: int() }), idempotent: true }),
  fail: rpc({ input: msg({ reason: str(1, 64) }), output: msg({}), errors: ['ON_PURPOSE'] }),
});

const api: Record<string, Handler> = {
  echo: async ({ text, delayMs }) => {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    return { text, length: text.length, extra: 'dropped by shaping' };
  },
  fail: async ({ reason }) => { throw new ServiceError('FAILED_PRECONDITION', reason, `failed on purpose: ${reason}`); },
};

const ctx = (ms = 5_000) => newCtx('transport-test', ms, 'test');

for (const name of REMOTE_TRANSPORT_NAMES) {
  describe(`transport ${name}`, () => {
    let listener: Listener;
    let peer: Peer;
    let stub: Record<string, Handler>;
    const recorder = new HopRecorder();

    beforeAll(async () => {
      const transport = await loadTransport(name);
      listener = await transport.serve([Probe], dispatcher([{ contract: Probe, handlers: wrapHandlers(Probe, api) }]), { port: 0, host: '127.0.0.1' });
      peer = transport.dial(`127.0.0.1:${listener.port}`, { connections: 2 });
      stub = remoteStub(Probe, peer, transport.name, recorder);
      await peer.check(1_000);
    });

    afterAll(async () => {
      await peer?.close();
      await listener?.close();
    });

    it('answers with the shaped output and records the hop with its handler time', async () => {
      recorder.reset();
      expect(await stub.echo({ text: 'héllo', delayMs: 0 }, ctx())).toEqual({ text: 'héllo', length: 5 });
      const [edge] = recorder.stats();
      expect(edge).toMatchObject({ from: 'test', to: 'probe', transport: name, calls: 1, errors: 0 });
      expect(edge.handlerUs.p50).toBeLessThanOrEqual(edge.rttUs.p50);
      expect(edge.requestBytesMean).toBeGreaterThan(0);
      expect(edge.responseBytesMean).toBeGreaterThan(0);
    });

    it('keeps concurrent calls apart (each answer reaches its own caller)', async () => {
      const texts = Array.from({ length: 50 }, (_, i) => `call-${i}-${'x'.repeat(i * 37)}`);
      // Later calls finish first, so answers come back out of order.
      const answers = await Promise.all(texts.map((text, i) => stub.echo({ text, delayMs: (50 - i) % 7 }, ctx())));
      expect(answers.map((a) => a.text)).toEqual(texts);
    });

    it('carries a large message', async () => {
      const text = 'y'.repeat(900_000);
      expect((await stub.echo({ text, delayMs: 0 }, ctx())).length).toBe(text.length);
    });

    it('passes a declared error through with its code and reason', async () => {
      await expect(stub.fail({ reason: 'ON_PURPOSE' }, ctx())).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'ON_PURPOSE', message: 'failed on purpose: ON_PURPOSE' });
    });

    it('refuses input outside the contract with INVALID_INPUT, on the server', async () => {
      await expect(stub.fail({ reason: '' }, ctx())).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'INVALID_INPUT' });
    });

    it('answers a call that outlives its deadline with DEADLINE_EXCEEDED at the deadline', async () => {
      const t0 = Date.now();
      await expect(stub.echo({ text: 'slow', delayMs: 2_000 }, ctx(100))).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
      expect(Date.now() - t0).toBeLessThan(1_500);
    });

    it('answers an unknown method with NOT_FOUND', async () => {
      const Other = service('splitbench.test.Probe', { missing: rpc({ input: msg({}), output: msg({}) }) });
      await expect(remoteStub(Other, peer, name, recorder).missing({}, ctx())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('fails with a TransportError when nothing listens', async () => {
      const port = await new Promise<number>((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); }); });
      const transport = await loadTransport(name);
      const dead = transport.dial(`127.0.0.1:${port}`, { connections: 1 });
      try {
        const err = await remoteStub(Probe, dead, name, recorder).fail({ reason: 'ON_PURPOSE' }, ctx(2_000)).catch((e) => e);
        expect(err).toBeInstanceOf(TransportError);
        await expect(dead.check(500)).rejects.toThrow(String(port));
      } finally {
        await dead.close();
      }
    });
  });
}
