import { describe, expect, it } from 'vitest';
import { crossing, isEventEdge } from './crossing.js';
import { crossingBytes } from '../bench/bill-cell.js';
import type { Cell } from '../../results/run.js';

const edge = (from: string, to: string, calls: number) => ({ from, to, calls, transport: 'grpc', errors: 0, rttUs: { p50: 300, p99: 900 }, handlerUs: { p50: 100, p99: 200 }, overheadUs: { p50: 200, p99: 700 }, requestBytesMean: 100, responseBytesMean: 50 });
const cell = (wiring: string, edges: ReturnType<typeof edge>[], workflows: { workflow: string; count: number }[]) =>
  ({ wiring, edges, driver: { sent: 100, workflows: workflows.map((w) => ({ workflow: w.workflow, latencyMs: { count: w.count } })) } }) as unknown as Cell;

describe('what crosses a boundary', () => {
  it('tells event deliveries from calls, from the services\' own deps and subscriptions', () => {
    expect(isEventEdge('order', 'notification')).toBe(true);
    expect(isEventEdge('order', 'customer')).toBe(true);
    expect(isEventEdge('fulfillment', 'warehouse')).toBe(true);
    expect(isEventEdge('checkout', 'payment')).toBe(false);
    expect(isEventEdge('gateway', 'customer')).toBe(false);
  });

  it('counts only edges between different processes, per request and per checkout', () => {
    const c = cell('extract:payment/grpc', [edge('checkout', 'payment', 50), edge('order', 'notification', 20)], [{ workflow: 'all', count: 50 }, { workflow: 'checkout', count: 50 }]);
    const x = crossing(c);
    expect(x).toMatchObject({ callsPerRequest: 1, callsPerCheckout: 1, eventCallsPerRequest: 0 });
    expect(x.edges.map((e) => `${e.from}→${e.to}`)).toEqual(['checkout→payment']);
    expect(crossingBytes(c)).toBe(50 * 150);
    const mixed = crossing(cell('extract:notification/grpc', [edge('order', 'notification', 20)], [{ workflow: 'all', count: 100 }, { workflow: 'checkout', count: 20 }, { workflow: 'browse', count: 80 }]));
    expect(mixed).toMatchObject({ callsPerRequest: 0, callsPerCheckout: null, eventCallsPerRequest: 0.2, bytesPerRequest: 30 });
  });
});
