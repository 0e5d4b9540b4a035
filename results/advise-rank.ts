// The extraction study's ranking, by what the study resolved. A delta whose interval holds zero is no
// difference the study can tell from the monolith, so it ranks as zero, not by its point value: the
// order of unresolved rows would be noise. The money path's p99 ranks first; where p99 is not resolved,
// its p50 (better resolved: the middle of the samples, not their largest few) ranks; rows whose deltas
// are both unresolved tie. Equal ranks stay equal (1, 2, 2, 4); only the ladder, which must take one
// service out at a time, breaks ties: fewer calls crossing per request first, then by name.
import { withinNoise, type CandidateResult, type Delta } from './advise.js';

/** What ranked a row: its p99 delta, its p50 delta (p99 unresolved), or nothing resolved. */
export type RankedBy = 'p99' | 'p50' | 'unresolved';

/** The delta's value when its interval excludes zero; 0 (no difference) when it does not. */
export const resolvedCost = (d: Delta | undefined): number => (d && !withinNoise(d) && Number.isFinite(d.value) ? d.value : 0);

type Rankable = Pick<CandidateResult, 'service' | 'workflows' | 'cpuSPer1kRequests' | 'crossing'>;

export function rankedBy(c: Rankable, money: string): RankedBy {
  const w = c.workflows.find((x) => x.workflow === money);
  if (resolvedCost(w?.p99Ms) !== 0) return 'p99';
  if (resolvedCost(w?.p50Ms) !== 0) return 'p50';
  return 'unresolved';
}

/** p99's resolved cost, then p50's: a resolved p99 decides; only where it does not does p50. */
function latencyKey(c: Rankable, money: string): [number, number] {
  const w = c.workflows.find((x) => x.workflow === money);
  return [resolvedCost(w?.p99Ms), resolvedCost(w?.p50Ms)];
}

/** Competition ranks (1, 2, 2, 4) by a key, lowest first; equal keys share a rank. */
function competitionRanks<T>(items: T[], key: (x: T) => number[]): Map<T, number> {
  const keys = new Map(items.map((x) => [x, key(x)]));
  const cmp = (a: number[], b: number[]) => a.reduce((d, x, i) => d || x - b[i], 0);
  return new Map(items.map((x) => [x, 1 + items.filter((y) => cmp(keys.get(y)!, keys.get(x)!) < 0).length]));
}

export interface Ranking { rank: number; rankedBy: RankedBy; rankByCpu: number }

/** The candidates of one link profile ranked; `money` is the workflow whose latency ranks. */
export function rankCandidates<T extends Rankable>(candidates: T[], money: string): (T & Ranking)[] {
  const byLatency = competitionRanks(candidates, (c) => latencyKey(c, money));
  const byCpu = competitionRanks(candidates, (c) => [resolvedCost(c.cpuSPer1kRequests)]);
  return ladderOrder(candidates.map((c) => ({ ...c, rank: byLatency.get(c)!, rankedBy: rankedBy(c, money), rankByCpu: byCpu.get(c)! })));
}

/** By rank, ties broken by fewer calls crossing per request, then by name: the ladder's order and the tables'. */
export function ladderOrder<T extends Pick<CandidateResult, 'service' | 'crossing'> & { rank: number }>(candidates: T[]): T[] {
  const calls = (c: T) => (Number.isFinite(c.crossing.callsPerRequest) ? c.crossing.callsPerRequest : Infinity);
  return [...candidates].sort((a, b) => a.rank - b.rank || calls(a) - calls(b) || a.service.localeCompare(b.service));
}
