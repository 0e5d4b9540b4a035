// The stub's retry policy against a fake peer (no sockets): which failures it retries, when the
// deadline forbids it, and how the process's budget bounds retries during an outage.
import { describe, expect, it } from 'vitest';
import { rpc, service } from './contract.js';
import type { Ctx } from './ctx.js';
import { remoteStub } from './envelope.js';
import { ServiceError, TransportError, type Code } from './errors.js';
import { HopRecorder } from './hops.js';
import { MethodRetry, RETRY_POLICY, RetryBudget, type RetryPolicy } from './retry.js';
import { msg, str } from './schema.js';
import type { Outbound, Peer, Reply } from './transport.js';

const Stock = service('splitbench.test.Stock', {
  availability: rpc({ input: msg({ sku: str(1) }), output: msg({ sku: str() }), idempotent: true }),
  reserve: rpc({ input: msg({ sku: str(1) }), output: msg({ sku: str() }), errors: ['OUT_OF_STOCK'] }),
});
const Prices = service('splitbench.test.Prices', {
  quote: rpc({ input: msg({ sku: str(1) }), output: msg({ sku: str() }), idempotent: true }),
});

/** No backoff: the tests do not wait, and each decision is the deadline's and the budget's alone. */
const noWait: RetryPolicy = { ...RETRY_POLICY, random: () => 0 };
const ctx = (ms = 5_000): Ctx => ({ deadline: Date.now() + ms, requestId: 'retry-test', caller: 'test' });
const ok = (call: Outbound): Reply => ({ output: call.input, handlerUs: 1, requestBytes: 1, responseBytes: 1 });
const answer = (code: Code, reason: string): Reply => ({ error: { code, reason, message: `${code}/${reason}` }, handlerUs: 1, requestBytes: 1, responseBytes: 1 });
const hangUp = () => { throw new Error('socket hang up'); };

/** A peer whose n-th call (from 1) gets what `answer` says; an Error thrown is a transport failure. */
function fakePeer(reply: (n: number, call: Outbound) => Reply | Promise<Reply>) {
  let n = 0;
  const peer: Peer & { calls: () => number } = {
    call: async (call) => reply(++n, call),
    check: async () => {},
    close: async () => {},
    calls: () => n,
  };
  return peer;
}

function stubOf(peer: Peer, budget = new RetryBudget(), policy = noWait) {
  const recorder = new HopRecorder();
  return { stub: remoteStub(Stock, peer, 'fake', recorder, false, budget, policy), recorder, edge: () => recorder.stats()[0] };
}

describe('remoteStub retries', () => {
  it('never retries a method its contract does not declare idempotent', async () => {
    const peer = fakePeer(hangUp);
    const { stub, edge } = stubOf(peer);
    await expect(stub.reserve({ sku: 'a' }, ctx())).rejects.toBeInstanceOf(TransportError);
    expect(peer.calls()).toBe(1);
    expect(edge()).toMatchObject({ calls: 1, errors: 1, retries: 0, retriesRefused: 0 });
  });

  it('retries an idempotent method after a TransportError, succeeds, and counts the retry on the edge', async () => {
    const peer = fakePeer((n, call) => (n === 1 ? hangUp() : ok(call)));
    const { stub, edge, recorder } = stubOf(peer);
    expect(await stub.availability({ sku: 'a' }, ctx())).toEqual({ sku: 'a' });
    expect(edge()).toMatchObject({ from: 'test', to: 'stock', transport: 'fake', calls: 2, errors: 1, retries: 1, retriesRefused: 0 });
    recorder.reset();
    expect(recorder.stats()).toEqual([]);
  });

  it('stops after three attempts in all and throws the last failure', async () => {
    const peer = fakePeer(hangUp);
    const { stub, edge } = stubOf(peer);
    await expect(stub.availability({ sku: 'a' }, ctx())).rejects.toBeInstanceOf(TransportError);
    expect(peer.calls()).toBe(3);
    expect(edge()).toMatchObject({ calls: 3, errors: 3, retries: 2, retriesRefused: 0 });
  });

  it('does not retry a business error, bad input, a lost deadline or an outage relayed from further down', async () => {
    const failures: [string, (n: number) => Reply][] = [
      ['business', () => answer('FAILED_PRECONDITION', 'OUT_OF_STOCK')],
      ['invalid', () => answer('INVALID_ARGUMENT', 'INVALID_INPUT')],
      ['deadline', () => { throw new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', 'no answer in time'); }],
      ['relayed', () => answer('UNAVAILABLE', 'TRANSPORT')],
    ];
    for (const [name, fail] of failures) {
      const peer = fakePeer(fail);
      const { stub, edge } = stubOf(peer);
      const err = await stub.availability({ sku: 'a' }, ctx()).catch((e) => e);
      expect(err, name).toBeInstanceOf(ServiceError);
      expect(peer.calls(), name).toBe(1);
      expect(edge().retries, name).toBe(0);
    }
  });

  it('retries a callee that answers UNAVAILABLE itself', async () => {
    const peer = fakePeer((n, call) => (n === 1 ? answer('UNAVAILABLE', 'DRAINING') : ok(call)));
    const { stub, edge } = stubOf(peer);
    expect(await stub.availability({ sku: 'a' }, ctx())).toEqual({ sku: 'a' });
    expect(edge()).toMatchObject({ calls: 2, retries: 1 });
  });

  it('makes no retry the time left cannot fit: backoff plus the method\'s round-trip estimate', async () => {
    // Successes that take ~20 ms teach the estimate; a failure with 10 ms left is then not retried.
    let failing = false;
    const peer = fakePeer(async (_, call) => {
      if (failing) hangUp();
      await new Promise((r) => setTimeout(r, 20));
      return ok(call);
    });
    const { stub, edge } = stubOf(peer);
    for (let i = 0; i < 3; i++) await stub.availability({ sku: 'a' }, ctx());
    failing = true;
    await expect(stub.availability({ sku: 'a' }, ctx(10))).rejects.toBeInstanceOf(TransportError);
    expect(peer.calls()).toBe(4);
    expect(edge()).toMatchObject({ retries: 0, retriesRefused: 0 });
    // With time for it, the same failure is retried.
    await expect(stub.availability({ sku: 'a' }, ctx(1_000))).rejects.toBeInstanceOf(TransportError);
    expect(edge().retries).toBe(2);
  });

  it('counts the backoff against the time left too, and assumes a floor before any success', () => {
    const failure = new TransportError('fake', 'reset');
    const at = (ms: number): Ctx => ({ ...ctx(), deadline: Date.now() + ms });
    // random 0.8: the first retry waits 0.8 × 50 = 40 ms.
    const retry = new MethodRetry(new RetryBudget(), { ...RETRY_POLICY, baseMs: 50, random: () => 0.8 });
    expect(retry.next(failure, 1, at(30))).toBeUndefined();
    expect(retry.next(failure, 1, at(41))).toBeUndefined(); // 40 ms backoff + the 2 ms floor
    expect(retry.next(failure, 1, at(200))).toBeCloseTo(40);
    retry.succeeded(100);
    expect(retry.next(failure, 1, at(120))).toBeUndefined();
    expect(retry.next(failure, 1, at(500))).toBeCloseTo(40);
    expect(retry.next(failure, 3, at(500))).toBeUndefined(); // three attempts made
  });

  it('bounds retries in a burst of failures to a tenth of first attempts plus the starting tokens, across every stub of the process', async () => {
    const budget = new RetryBudget();
    const start = budget.tokens;
    const stock = stubOf(fakePeer(hangUp), budget);
    const prices = new HopRecorder();
    const quote = remoteStub(Prices, fakePeer(hangUp), 'fake', prices, false, budget, noWait).quote;
    const calls = 200;
    for (let i = 0; i < calls / 2; i++) {
      await stock.stub.availability({ sku: 'a' }, ctx()).catch(() => {});
      await quote({ sku: 'a' }, ctx()).catch(() => {});
    }
    const edges = [stock.edge(), prices.stats()[0]];
    const retries = edges.reduce((n, e) => n + e.retries, 0);
    const refused = edges.reduce((n, e) => n + e.retriesRefused, 0);
    expect(retries).toBeLessThanOrEqual(start + calls * 0.1);
    expect(retries).toBeGreaterThanOrEqual(calls * 0.1 - 1);
    // Every call wanted two retries: the ones not made were refused, one refusal per call that met an empty budget.
    expect(refused).toBeGreaterThan(calls * 0.8);
    expect(retries + 2 * refused).toBeGreaterThanOrEqual(2 * calls);
    expect(edges.reduce((n, e) => n + e.calls, 0)).toBe(calls + retries);
  });

  it('keeps the budget in whole units and within its cap', () => {
    const budget = new RetryBudget({ maxTokens: 10, initialTokens: 3 });
    for (let i = 0; i < 10; i++) budget.deposit();
    expect(budget.tokens).toBe(4);
    for (let i = 0; i < 1_000; i++) budget.deposit();
    expect(budget.tokens).toBe(10);
    for (let i = 0; i < 10; i++) expect(budget.withdraw()).toBe(true);
    expect(budget.withdraw()).toBe(false);
  });
});
