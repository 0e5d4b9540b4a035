// What the bare chain (scripts/bench/chain.ts) measures: per edge, the same statistics hops.ts keeps
// for a wiring's edges, and one row per wiring it ran beside (run.json `floor`, optional: absent in
// runs without --floor).
import type { LatencyMs } from './run.js';

export interface ChainEdge {
  from: string; to: string; transport: string; calls: number;
  rttUs: { p50: number; p99: number }; handlerUs: { p50: number; p99: number }; overheadUs: { p50: number; p99: number };
  requestBytesMean: number; responseBytesMean: number;
  /** Calls whose answer carried no handler time (their overhead is then the whole round trip): 0 unless the chain is broken. */
  handlerMissing: number;
  /** The smallest rtt − handler of any call in µs, unrounded: below 0 the callee's time would exceed the caller's round trip. */
  overheadMinUs: number;
}

/** The bare chain at one wiring's placement, transport and checkout rate. */
export interface FloorRow {
  /** The wiring it ran beside: the same process count, placement and transport. */
  wiring: string;
  transport: string;
  processes: number;
  /** Calls of one checkout that crossed the transport (the wiring's own count on the checkout path). */
  remoteHops: number;
  /** How callers reach a process: "8 HTTP/1.1 connections per peer", "1 channel per peer"… */
  connections: string;
  offeredRps: number;
  achievedRps: number;
  warmupS: number;
  durationS: number;
  /** End to end at the chain's front door (open model, from the intended send time). */
  latencyMs: LatencyMs;
  errors: number;
  /** Mean over the remote edges of each edge's overhead p50 (p99): the same arithmetic as the report's for the wiring. */
  perHopOverheadUs: { p50: number; p99: number };
  edges: ChainEdge[];
  warnings: string[];
}

/** Per hop = the mean of the edges' percentiles: each hop of the path weighs the same, however often it was called. */
export function perHopOverhead(edges: { overheadUs: { p50: number; p99: number } }[]): { p50: number; p99: number } {
  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : 0);
  return { p50: mean(edges.map((e) => e.overheadUs.p50)), p99: mean(edges.map((e) => e.overheadUs.p99)) };
}
