import { describe, expect, it } from 'vitest';
import type { StudyCell } from '../../results/advise.js';
import { candidateSlots, ladderSlots } from './plan.js';
import { compare, ladders, spread } from './compare.js';
import { withinNoise } from '../../results/advise.js';
import { ladderOrder, rankCandidates } from '../../results/advise-rank.js';

/** A cell measuring checkout p50 / p99 (ms) and CPU, nothing else. */
function cell(slot: { role: StudyCell['role']; wiring: string; extracted: string[]; link: string }, p50: number, p99: number, cpu = 10): StudyCell {
  return {
    ...slot, trial: 1, processes: 1 + slot.extracted.length, edges: [], invariants: { ok: true },
    driver: { durationS: 5, sent: 100, workflows: ['all', 'checkout'].map((workflow) => ({ workflow, ok: 100, errors: {}, latencyMs: { p50, p99, count: 100 } })) },
    cost: { processes: 1, cpuSPer1kRequests: cpu, dbCpuSPer1kRequests: 1, rssPeakMbSum: 100 * (1 + slot.extracted.length) },
    bill: { usdPerMillionOrders: cpu, ordersPerS: 20, parts: null, billedVcpu: 1, billedGb: 1 },
  } as unknown as StudyCell;
}

/** Monolith trials wobbling ±3 % around 10 ms; each candidate its own multiple of its neighbours. */
function study(factors: Record<string, number>, trials = 1): StudyCell[] {
  const wobble = [1, 1.03, 0.97, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1];
  let m = 0;
  const slots = candidateSlots(Object.keys(factors), 'grpc', 'same-host', trials);
  const monolith = slots.map((s) => (s.role === 'monolith' ? 10 * wobble[m++ % wobble.length] : NaN));
  return slots.map((s, i) => {
    if (s.role === 'monolith') return cell(s, monolith[i], 3 * monolith[i]);
    const near = [monolith.slice(0, i).filter(Number.isFinite).at(-1)!, monolith.slice(i + 1).find(Number.isFinite)!];
    const base = Math.sqrt(near[0] * near[1]);
    return cell(s, base * factors[s.extracted[0]], 3 * base * factors[s.extracted[0]], 10 * factors[s.extracted[0]]);
  });
}

describe('the study arithmetic', () => {
  it('recovers a known cost against the neighbouring monolith trials, and calls no change no change', () => {
    const results = compare(study({ payment: 1.2, notification: 1, search: 1.05 }), 0.9);
    const p50 = (s: string) => results.find((r) => r.service === s)!.workflows.find((w) => w.workflow === 'checkout')!.p50Ms;
    expect(p50('payment').value).toBeCloseTo(2, 0);
    expect(withinNoise(p50('payment'))).toBe(false);
    expect(p50('notification').value).toBeCloseTo(0, 6);
    expect(withinNoise(p50('notification'))).toBe(true);
    // search's +5 % is inside ±3 % trials' interval: no difference resolved, so it ties with notification.
    expect(results.map((r) => [r.service, r.rank, r.rankedBy])).toEqual([['notification', 1, 'unresolved'], ['search', 1, 'unresolved'], ['payment', 3, 'p99']]);
    expect(results.find((r) => r.service === 'payment')!.verdict).toMatch(/^Extracting payment costs checkout p99 \+6\.\d ms/);
    expect(results.find((r) => r.service === 'notification')!.verdict).toMatch(/adds no checkout latency beyond the noise/);
  });

  it('draws the greedy ladder from the monolith up, in ranked order, from the cells measured', () => {
    const cells = study({ payment: 1.2, notification: 1 });
    const ranked = ladderOrder(compare(cells, 0.9)).map((r) => r.service);
    for (const s of ladderSlots(ranked, 'grpc', 'same-host')) cells.push(cell(s, 13, 39));
    const [l] = ladders(cells, compare(cells, 0.9));
    expect(l.steps.map((s) => [s.processes, s.added])).toEqual([[1, null], [2, 'notification'], [3, 'payment']]);
    expect(l.steps[2].checkout.p50Ms).toBe(13);
  });

  it('takes the spread from successive monolith trials, so a slow drift is not counted as noise', () => {
    const drifting = [10, 10.5, 11, 11.5, 12].map((p) => cell({ role: 'monolith', wiring: 'monolith', extracted: [], link: 'x' }, p, p));
    const { variance, df } = spread(drifting, [], (c) => c.driver.workflows[0].latencyMs.p50);
    expect(df).toBe(4);
    const logs = [10, 10.5, 11, 11.5, 12].map(Math.log);
    const mean = logs.reduce((a, b) => a + b) / 5;
    const plain = logs.reduce((t, x) => t + (x - mean) ** 2, 0) / 4;
    // A straight drift of 5 trials: successive differences see a fifth of the plain variance.
    expect(variance / plain).toBeCloseTo(0.2, 1);
  });

  it('ranks by what resolved: p99 first, p50 where p99 is not, equal ranks for nothing resolved; the ladder breaks ties by calls crossing, then name', () => {
    const d = (value: number, half: number) => ({ value, low: value - half, high: value + half });
    const c = (service: string, p99: [number, number], p50: [number, number], calls: number, cpu: [number, number] = [0, 1]) => ({
      service, crossing: { callsPerRequest: calls },
      workflows: [{ workflow: 'checkout', p99Ms: d(...p99), p50Ms: d(...p50) }],
      cpuSPer1kRequests: d(...cpu),
    }) as unknown as Parameters<typeof rankCandidates>[0][number];
    const ranked = rankCandidates([
      c('warehouse', [3, 5], [1, 2], 2), // p99 unresolved, p50 unresolved
      c('catalog', [9, 5], [4, 2], 1), // p99 resolved +9
      c('pricing', [2, 5], [2, 1], 1), // p99 unresolved, p50 resolved +2
      c('analytics', [-1, 5], [0, 1], 0), // nothing resolved
      c('loyalty', [1, 5], [0.5, 1], 2), // nothing resolved
      c('payment', [4, 5], [0.5, 0.4], 1), // p99 unresolved, p50 resolved +0.5
    ], 'checkout');
    expect(ranked.map((r) => [r.rank, r.service, r.rankedBy])).toEqual([
      [1, 'analytics', 'unresolved'], [1, 'loyalty', 'unresolved'], [1, 'warehouse', 'unresolved'],
      [4, 'payment', 'p50'], [5, 'pricing', 'p50'], [6, 'catalog', 'p99'],
    ]);
    // Equal ranks stay equal; among them fewer calls first (analytics 0), then the name (loyalty before warehouse at 2).
    expect(ranked.map((r) => r.rankByCpu)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
