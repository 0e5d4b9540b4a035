// npm run bench -- --floor: a bare chain (chain.ts) beside each remote wiring, right after its first
// trial, at its checkout rate, warm-up and measured time. Off by default: it adds one chain run per
// remote wiring (warm-up + measured time + ~5 s: ≈ 1.5 min, a third more, on the default profile's
// ≤ 5 min) and the gate does not use it; the full profile, whose point is the whole picture, turns it on.
import { floorRatios, FLOOR_GOAL } from '../../reports/boundary.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { chainPlacement } from './chain.js';
import type { RunResult } from '../../results/run.js';

/** A wiring the chain can stand beside: one with remote calls over a transport the chain speaks. */
export function floorable(wiring: string): boolean {
  try {
    chainPlacement(wiring);
    return true;
  } catch {
    return false;
  }
}

/** Seconds one floor run takes: its warm-up and measured time, plus starting and stopping its processes. */
export const floorS = (s: Scenario) => s.warmupS + s.durationS + 5;

export const FLOOR_METHOD = 'Floor (--floor): after every trial of each remote wiring, a bare chain with its placement and transport (no kit, no database; scripts/bench/chain.ts), ' +
  'driven by the built-in open-loop driver with the scenario\'s checkouts alone at their own rate, the same warm-up and measured time; per-hop overhead timed as the wiring\'s, median over trials as the wiring\'s is.';

/** The console's lines: per wiring, splitbench's per-hop overhead p50 beside the chain's. */
export function floorSummary(run: RunResult): string[] {
  const rows = floorRatios(run);
  if (!rows.length) return [];
  const us = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(0));
  return [
    `\nsplitbench ÷ bare chain, per-hop overhead p50 on the checkout path (goal ≤ ${FLOOR_GOAL}×)`,
    'wiring            procs  hops  splitbench µs  bare chain µs   ratio',
    ...rows.map(({ floor: f, hops, kitUs, ratio }) => `${f.wiring.padEnd(18)}${String(f.processes).padStart(5)}${String(hops === f.remoteHops ? hops : `${hops}≠${f.remoteHops}`).padStart(6)}` +
      `${us(kitUs?.p50).padStart(15)}${us(f.perHopOverheadUs.p50).padStart(15)}${(ratio === undefined ? '—' : `${ratio.toFixed(2)}×`).padStart(8)}`),
    ...rows.flatMap(({ floor: f }) => f.warnings.map((w) => `  ! ${f.wiring} (bare chain): ${w}`)),
  ];
}
