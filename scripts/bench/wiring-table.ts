// The console's table of a run's open-model cells: per wiring its pooled percentiles, rate, CPU and bill,
// and p99 and CPU as multiples of the monolith's, each with its interval (results/run-ratios.ts).
import { atLeast, isLowerBound } from '../../results/lower-bound.js';
import { medianOrNaN as median } from '../../results/median.js';
import { resolvedRatio, type RatioInterval } from '../../results/ratio-interval.js';
import type { RunResult } from '../../results/run.js';
import { cellRatio, pooledLatency } from '../../results/run-ratios.js';
import { intervalMethod, timesWithRange } from '../../reports/format.js';

const BASELINE = 'monolith';

/** "1.8× [1.5–2.2×]", and "~" when the interval holds 1×: a ratio never without its interval. */
const withRange = (r: RatioInterval | undefined) => `${timesWithRange(r)}${r && !resolvedRatio(r) ? ' ~' : ''}`;

/** lines[0] says what the figures are; then the header, a row per wiring and the note on "~". `rows` for the notes that follow. */
export function wiringTable(run: RunResult): { lines: string[]; rows: { wiring: string; usd: number; lowerBound: boolean }[] } {
  const pooled = pooledLatency(run, BASELINE).filter((p) => p.workflow === 'all');
  const wirings = [...new Set(run.cells.map((c) => c.wiring))];
  const trials = Math.max(0, ...wirings.map((w) => run.cells.filter((c) => c.wiring === w).length));
  const rows = wirings.map((wiring) => {
    const cs = run.cells.filter((c) => c.wiring === wiring);
    const all = cs.map((c) => c.driver.workflows.find((w) => w.workflow === 'all')!);
    const p = pooled.find((x) => x.wiring === wiring);
    return {
      wiring, p50: p?.ms.p50 ?? NaN, p99: p?.ms.p99 ?? NaN, p99VsMono: p?.vsBaseline?.p99,
      rps: median(cs.map((c) => c.driver.achievedRps)), cpu: median(cs.map((c) => c.cost.cpuSPer1kRequests)),
      cpuVsMono: cellRatio(run, BASELINE, wiring, (c) => c.cost.cpuSPer1kRequests),
      usd: median(cs.map((c) => c.bill?.usdPerMillionOrders).filter((x): x is number => typeof x === 'number')),
      procs: cs[0].processes, errors: all.reduce((t, a) => t + Object.values(a.errors).reduce((x, y) => x + y, 0), 0),
      ok: cs.every((c) => c.invariants.ok), lowerBound: all.some(isLowerBound),
    };
  });
  const mono = rows.find((r) => r.wiring === BASELINE);
  const lines = [
    `percentiles pooled over ${trials} trial(s), CPU and $ their median; ×mono with its ${intervalMethod(trials)}`,
    'wiring            procs   p50 ms    p99 ms   ×mono p99                 req/s   CPU s/1k req  ×mono CPU                 $/M orders  errors  invariants',
    ...rows.map((r) => {
      const vs = (x: RatioInterval | undefined) => (r === mono ? 'baseline' : mono ? withRange(x) : '—');
      return `${r.wiring.padEnd(18)}${String(r.procs).padStart(5)}${atLeast(r.p50.toFixed(2), r.lowerBound).padStart(9)}${atLeast(r.p99.toFixed(2), r.lowerBound).padStart(10)}   ${vs(r.p99VsMono).padEnd(24)}` +
        `${r.rps.toFixed(0).padStart(6)}${r.cpu.toFixed(3).padStart(15)}  ${vs(r.cpuVsMono).padEnd(24)}${(Number.isFinite(r.usd) ? r.usd.toFixed(2) : '—').padStart(11)}${String(r.errors).padStart(8)}  ${r.ok ? 'OK' : 'BROKEN'}`;
    }),
    ...(mono && rows.length > 1 ? [`  ~: the interval holds 1×, no difference this run can resolve${trials < 2 ? ' (one trial has no interval: --trials 3 or the default profile give one)' : ''}`] : []),
  ];
  return { lines, rows };
}
