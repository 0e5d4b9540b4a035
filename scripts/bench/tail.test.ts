// The per-request tail count: slow means slower than the edge's own p99, counted per checkout request.
import { describe, expect, it } from 'vitest';
import type { EdgeStats } from '../../targets/kit/hops.js';
import { HopRecorder } from '../../targets/kit/hops.js';
import { checkoutTail } from './tail.js';

const call = (from: string, to: string, requestId: string, rttUs: number) =>
  ({ from, to, method: 'm', transport: 'grpc', requestId, rttUs, handlerUs: rttUs / 2, requestBytes: 10, responseBytes: 10 });

describe('checkoutTail', () => {
  it('counts, per checkout request, its remote calls and those slower than their edge p99', () => {
    const r = new HopRecorder();
    // 200 checkout requests, two calls each; request 7 is slow on both edges, request 9 on one.
    for (let i = 0; i < 200; i++) {
      r.record(call('gateway', 'checkout', `req-${i}`, i === 7 || i === 9 ? 900 : 100 + i % 10));
      r.record(call('checkout', 'payment', `req-${i}`, i === 7 ? 800 : 50 + i % 10));
    }
    // Not a checkout request: its calls set no request on the path.
    r.record(call('order', 'loyalty', 'relay-1', 5000));
    const tail = checkoutTail(r.stats())!;
    expect(tail.requests).toBe(200);
    expect(tail.callsPerRequest).toEqual({ 2: 200 });
    expect(tail.slowCallsPerRequest).toEqual({ 0: 198, 1: 1, 2: 1 });
  });

  it('drops a process\'s per-call records past its limit, and keeps them again after a reset', () => {
    const r = new HopRecorder(3);
    for (let i = 0; i < 3; i++) r.record(call('gateway', 'checkout', `req-${i}`, 100));
    expect(r.stats()[0].perCall?.requestIds).toEqual(['req-0', 'req-1', 'req-2']);
    r.record(call('checkout', 'order', 'req-3', 100));
    expect(r.stats().map((e) => e.perCall)).toEqual([undefined, undefined]);
    expect(r.stats().map((e) => e.calls)).toEqual([3, 1]);
    r.reset();
    r.record(call('gateway', 'checkout', 'req-4', 100));
    expect(r.stats()[0].perCall?.requestIds).toEqual(['req-4']);
  });

  it('has nothing to say without a remote checkout call, or when a process dropped its per-call records', () => {
    const r = new HopRecorder();
    r.record(call('gateway', 'auth', 'a', 100));
    expect(checkoutTail(r.stats())).toBeUndefined();
    const dropped: EdgeStats[] = r.stats().map((e) => ({ ...e, from: 'gateway', to: 'checkout', perCall: undefined }));
    expect(checkoutTail(dropped)).toBeUndefined();
  });
});
