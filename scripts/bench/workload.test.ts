import { describe, expect, it } from 'vitest';
import { Workload } from './workload.js';

const SIZE = { skus: 10_000, customers: 1_000 };
const paths = (w: Workload, n: number) => Array.from({ length: n }, () => { const { request } = w.next(); return `${request.method} ${request.path} ${request.headers['idempotency-key'] ?? ''}`; });

describe('Workload', () => {
  it('picks the same sequence on every run', () => {
    const mix = { checkout: 3, browse: 4, search: 2, history: 1 };
    expect(paths(new Workload(mix, SIZE, 'a'), 500)).toEqual(paths(new Workload(mix, SIZE, 'a'), 500));
  });

  it('follows the weights of the mix', () => {
    const w = new Workload({ checkout: 2, browse: 5, search: 3 }, SIZE, 'a');
    const counts: Record<string, number> = {};
    for (let i = 0; i < 20_000; i++) { const wf = w.next().request.workflow; counts[wf] = (counts[wf] ?? 0) + 1; }
    expect(counts.checkout / 20_000).toBeCloseTo(0.2, 1);
    expect(counts.browse / 20_000).toBeCloseTo(0.5, 1);
    expect(counts.search / 20_000).toBeCloseTo(0.3, 1);
    expect(counts.history).toBeUndefined();
  });

  it('namespaces idempotency keys by run tag and never repeats one within a run', () => {
    const w = new Workload({ checkout: 1 }, SIZE, 'run-7');
    const keys = Array.from({ length: 300 }, () => w.next().request.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(300);
    expect(keys.every((k) => k.startsWith('run-7-'))).toBe(true);
  });

  it('sends history instead of a return until this run has placed an order, then returns that order once', () => {
    const w = new Workload({ return: 1 }, SIZE, 'run-9');
    const first = w.next();
    expect(first.request.workflow).toBe('history');
    expect(w.returnsReplaced).toBe(1);
    w.orderPlaced('ord-1', 42);
    const ret = w.next().request;
    expect(ret.workflow).toBe('return');
    expect(JSON.parse(ret.body!)).toEqual({ orderId: 'ord-1' });
    expect(ret.headers['idempotency-key']).toBe('run-9-return-ord-1');
    expect(w.next().request.workflow).toBe('history');
  });

  it('tells whose order a checkout will be', () => {
    const p = new Workload({ checkout: 1 }, SIZE, 'r').next();
    expect(p.customer).toBe(1);
    expect(p.request.headers.authorization).toBe('Bearer tok-00001');
  });
});
