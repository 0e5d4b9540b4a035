// Tail at scale, measured per request: the per-edge figures (p50/p99 per edge) cannot say whether the
// slow calls of a run fell on the same requests or on different ones; the per-call request ids can.
import type { EdgeStats } from '../../targets/kit/hops.js';
import type { TailSample } from '../../results/run.js';

/**
 * Checkout requests (any remote call to or from checkout) counted by their remote calls and by how many
 * of those were slower than their edge's own p99 over the same window. Undefined when no checkout call
 * crossed a process boundary, or a process dropped its per-call records.
 */
export function checkoutTail(edges: EdgeStats[]): TailSample | undefined {
  if (edges.some((e) => !e.perCall)) return undefined;
  const onPath = new Set<string>();
  for (const e of edges) if (e.from === 'checkout' || e.to === 'checkout') for (const id of e.perCall!.requestIds) onPath.add(id);
  if (onPath.size === 0) return undefined;
  const calls = new Map<string, number>();
  const slow = new Map<string, number>();
  for (const e of edges) {
    const { requestIds, rttsUs } = e.perCall!;
    const p99 = nearestRank(rttsUs, 0.99);
    requestIds.forEach((id, i) => {
      if (!onPath.has(id)) return;
      calls.set(id, (calls.get(id) ?? 0) + 1);
      if (rttsUs[i] > p99) slow.set(id, (slow.get(id) ?? 0) + 1);
    });
  }
  const ids = [...onPath];
  return { requests: ids.length, callsPerRequest: countBy(ids.map((id) => calls.get(id)!)), slowCallsPerRequest: countBy(ids.map((id) => slow.get(id) ?? 0)) };
}

function nearestRank(values: number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

function countBy(ns: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of ns) out[n] = (out[n] ?? 0) + 1;
  return out;
}
