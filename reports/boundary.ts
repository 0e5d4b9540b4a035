// Where the time goes on the checkout path: per edge, the price of the boundary (the caller's round
// trip minus the callee's handler time), median over trials.
import type { EdgeResult, RunResult } from '../results/run.js';
import { median } from './format.js';
import { cellsOf, wiringsOf } from './summary.js';

/** The checkout path in call order (DESIGN.md): the gateway's calls, then checkout.confirm's. */
const PATH_ORDER = ['gateway>auth', 'gateway>customer', 'gateway>checkout', 'checkout>catalog', 'checkout>pricing', 'checkout>promotion',
  'checkout>location', 'checkout>shipping', 'checkout>warehouse', 'checkout>payment', 'checkout>order'];

export interface BoundaryPoint {
  wiring: string;
  edge: string;
  /** Position on the checkout path (stack order). */
  step: number;
  transport: string;
  overheadP50Ms: number;
  overheadP99Ms: number;
  rttP50Ms: number;
  handlerP50Ms: number;
  calls: number;
}

export const onCheckoutPath = (e: Pick<EdgeResult, 'from' | 'to'>) =>
  e.from === 'checkout' || (e.from === 'gateway' && ['auth', 'customer', 'checkout'].includes(e.to));

export function checkoutBoundaries(run: RunResult): BoundaryPoint[] {
  return wiringsOf(run).flatMap((wiring) => {
    const edges = cellsOf(run, wiring).flatMap((c) => c.edges).filter(onCheckoutPath);
    const byEdge = new Map<string, EdgeResult[]>();
    for (const e of edges) byEdge.set(`${e.from}>${e.to}`, [...(byEdge.get(`${e.from}>${e.to}`) ?? []), e]);
    return [...byEdge].map(([key, es]) => {
      const med = (pick: (e: EdgeResult) => number) => median(es.map(pick))! / 1000;
      const step = PATH_ORDER.indexOf(key);
      return {
        wiring, edge: key.replace('>', ' → '), step: step === -1 ? PATH_ORDER.length : step, transport: es[0].transport,
        overheadP50Ms: med((e) => e.overheadUs.p50), overheadP99Ms: med((e) => e.overheadUs.p99),
        rttP50Ms: med((e) => e.rttUs.p50), handlerP50Ms: med((e) => e.handlerUs.p50),
        calls: Math.round(median(es.map((e) => e.calls))!),
      };
    }).sort((a, b) => a.step - b.step || a.edge.localeCompare(b.edge));
  });
}
