// Per-edge gating: the caller's round trip of each remote call (caller → callee), per wiring, candidate
// ÷ baseline with the same bootstrap as the workflows. A checkout makes several calls per request, so an
// edge has many more samples per trial than its workflow: a slower callee shows on its edge first, and
// the edge names the hop to blame.
import type { RunResult } from '../../results/run.js';
import { decodeLatency, empirical, type Empirical } from '../../results/trials.js';
import type { PlannedComparison } from './compare.js';
import type { GateInputs } from './inputs.js';
import { quantileOf } from './stats.js';
import { anyLowerBound } from './trials.js';

/**
 * An edge's percentile is gated only with at least this many calls in every trial of both runs: a p99
 * then rests on ≥ 20 calls past it, a p50 on ≥ 50 either side; the rarely called edges stay out of the
 * Bonferroni family instead of diluting it.
 */
export const MIN_EDGE_CALLS = { p99: 2000, p50: 100 } as const;

export interface EdgeTrial { trial: number; calls: number; rttMs: Empirical }

/** "checkout → warehouse" → trials, for one wiring; edges without a histogram (older runs) are left out. */
export function edgeTrialsOf(run: RunResult, wiring: string): Map<string, EdgeTrial[]> {
  const byEdge = new Map<string, EdgeTrial[]>();
  run.cells.forEach((cell, i) => {
    if (cell.wiring !== wiring) return;
    // One edge may be recorded by several processes (a replicated caller) or transports: one trial's calls together.
    const merged = new Map<string, Map<number, number>>();
    cell.edges.forEach((e, j) => {
      if (!e.rttHistogram) return;
      const key = `${e.from} → ${e.to}`;
      const counts = merged.get(key) ?? merged.set(key, new Map()).get(key)!;
      const rtt = decodeLatency(e.rttHistogram, `cells[${i}].edges[${j}].rttHistogram`);
      rtt.values.forEach((v, k) => counts.set(v, (counts.get(v) ?? 0) + rtt.cumulative[k] - (k ? rtt.cumulative[k - 1] : 0)));
    });
    for (const [key, counts] of merged) {
      const rttMs = empirical([...counts]);
      const trials = byEdge.get(key) ?? byEdge.set(key, []).get(key)!;
      trials.push({ trial: cell.trial, calls: rttMs.count, rttMs });
    }
  });
  return byEdge;
}

/** p99 and p50 of every edge both runs have, per wiring, each where it is well sampled (MIN_EDGE_CALLS). */
export function planEdgeComparisons(inputs: GateInputs): PlannedComparison[] {
  const planned: PlannedComparison[] = [];
  for (const wiring of inputs.wirings) {
    const trialsOf = (run: RunResult) => new Set(run.cells.filter((c) => c.wiring === wiring).map((c) => c.trial)).size;
    const b = edgeTrialsOf(inputs.baseline.run, wiring);
    const c = edgeTrialsOf(inputs.candidate.run, wiring);
    for (const [edge, ct] of c) {
      const bt = b.get(edge) ?? [];
      // Every trial must have called it: a trial without the edge is not a trial with a fast edge.
      const complete = bt.length === trialsOf(inputs.baseline.run) && ct.length === trialsOf(inputs.candidate.run);
      if (!complete) continue;
      const fewest = Math.min(...[...bt, ...ct].map((t) => t.calls));
      // A trial that dropped sends never made their calls: its edges are as much a lower bound as its requests.
      const all = (g: GateInputs['baseline']) => anyLowerBound(g.trials.get(wiring)?.get('all') ?? []);
      const lowerBound = { baseline: all(inputs.baseline), candidate: all(inputs.candidate) };
      for (const [metric, p] of [['p99', 0.99], ['p50', 0.5]] as const) {
        if (fewest < MIN_EDGE_CALLS[metric]) continue;
        planned.push({
          lowerBound,
          wiring, workflow: edge, edge: true, metric, unit: 'ms', gated: inputs.sameEnvironment, worse: 'higher', sameRunRatio: false,
          baseline: bt.map((t) => quantileOf(t.rttMs, p)), candidate: ct.map((t) => quantileOf(t.rttMs, p)),
        });
      }
    }
  }
  return planned;
}
