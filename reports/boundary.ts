// Where the time goes on the checkout path: per edge, the price of the boundary (the caller's round
// trip minus the callee's handler time), median over trials; per hop, against a bare chain's.
import { perHopOverhead, type FloorRow } from '../results/floor.js';
import type { EdgeResult, RunResult } from '../results/run.js';
import { median } from './format.js';
import { cellsOf, wiringsOf } from './summary.js';

/** The checkout path in call order (docs/design.md): the gateway's calls, then checkout.confirm's. */
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

/** Splitbench's per-hop overhead should stay within this multiple of a bare chain's: the kit may add little on top of the transport. */
export const FLOOR_GOAL = 1.2;

export interface FloorRatio {
  /** The chain's row of the first trial, its per-hop overhead the median over every trial's (as the wiring's). */
  floor: FloorRow;
  /** Bare-chain runs behind it: one per trial. */
  trials: number;
  /** The wiring's remote hops on the checkout path (its edges in this run). */
  hops: number;
  /** Per hop, µs: the mean over the checkout path's edges of each edge's median-over-trials percentile. */
  kitUs?: { p50: number; p99: number };
  /** kit p50 ÷ floor p50; absent when the two paths do not have the same hops (not comparable). */
  ratio?: number;
}

/**
 * Per remote wiring that ran beside a bare chain: its per-hop overhead p50 ÷ the chain's, both by
 * perHopOverhead and both the median over trials — one chain run of 150 checkouts moved by ±20 % here.
 */
export function floorRatios(run: RunResult): FloorRatio[] {
  const points = checkoutBoundaries(run);
  const byWiring = new Map<string, FloorRow[]>();
  for (const row of run.floor ?? []) byWiring.set(row.wiring, [...(byWiring.get(row.wiring) ?? []), row]);
  return [...byWiring.values()].map((rows) => {
    const floor: FloorRow = {
      ...rows[0],
      perHopOverheadUs: { p50: median(rows.map((r) => r.perHopOverheadUs.p50))!, p99: median(rows.map((r) => r.perHopOverheadUs.p99))! },
      warnings: [...new Set(rows.flatMap((r) => r.warnings))],
    };
    const own = points.filter((p) => p.wiring === floor.wiring);
    const kitUs = own.length ? perHopOverhead(own.map((p) => ({ overheadUs: { p50: p.overheadP50Ms * 1000, p99: p.overheadP99Ms * 1000 } }))) : undefined;
    const comparable = kitUs && own.length === floor.remoteHops && floor.perHopOverheadUs.p50 > 0;
    return { floor, trials: rows.length, hops: own.length, kitUs, ratio: comparable ? kitUs.p50 / floor.perHopOverheadUs.p50 : undefined };
  });
}
