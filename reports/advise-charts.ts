// The Extraction page's charts: the ladder (processes against checkout p99 and against the bill, one
// line per link profile) and each candidate's checkout spectrum beside the monolith's.
import type { TopLevelSpec } from 'vega-lite';
import type { Ladder } from '../results/advise.js';
import { frame, legend, msFormat, ninesAxis } from './charts.js';
import type { SpectrumPoint } from './spectrum.js';

const linkColor = (links: string[]) => ({ field: 'link', type: 'nominal', title: 'link profile', scale: { domain: links, scheme: 'dark2' }, legend: legend('link profile') }) as const;

function ladderValues(ladders: Ladder[]) {
  return ladders.flatMap((l) => l.steps.map((s) => ({
    link: l.link, processes: s.processes, added: s.added ?? '(monolith)', wiring: s.wiring, p99Ms: s.checkout.p99Ms, p50Ms: s.checkout.p50Ms,
    usd: s.usdPerMillionOrders, cpu: s.cpuSPer1kRequests, invariants: s.invariantsOk ? 'OK' : 'BROKEN',
  })));
}

const ladderTooltip = [
  { field: 'link', title: 'link profile' }, { field: 'processes', title: 'processes', type: 'quantitative' }, { field: 'added', title: 'took out' },
  { field: 'p50Ms', title: 'checkout p50 (ms)', type: 'quantitative', format: msFormat }, { field: 'p99Ms', title: 'checkout p99 (ms)', type: 'quantitative', format: msFormat },
  { field: 'usd', title: '$ per million orders', type: 'quantitative', format: ',.2f' }, { field: 'cpu', title: 'CPU-s per 1k requests', type: 'quantitative', format: '.3~r' },
  { field: 'invariants', title: 'invariants' },
] as const;

/** One measure of the ladder against the process count: every step is a measured cell, none interpolated. */
export function ladderChart(ladders: Ladder[], measure: 'p99' | 'usd'): TopLevelSpec {
  const links = ladders.map((l) => l.link);
  const y = measure === 'p99'
    ? { field: 'p99Ms', type: 'quantitative', title: 'checkout p99 (ms, log scale)', scale: { type: 'log' } }
    : { field: 'usd', type: 'quantitative', title: '$ per million orders', scale: { zero: true } };
  return {
    ...frame,
    title: { text: measure === 'p99' ? 'The ladder: checkout p99 as services leave the monolith' : 'The ladder: the bill as services leave the monolith', subtitle: 'cheapest extraction first; every point a measured cell' },
    data: { values: ladderValues(ladders) },
    mark: { type: 'line', point: { size: 40, filled: true }, strokeWidth: 2 },
    encoding: {
      x: { field: 'processes', type: 'quantitative', title: 'processes', scale: { domainMin: 1 }, axis: { tickMinStep: 1, format: 'd' } },
      y, color: linkColor(links), tooltip: [...ladderTooltip],
    },
  } as TopLevelSpec;
}

export interface SidePoint extends Omit<SpectrumPoint, 'wiring'> { side: string }

/** A candidate's checkout spectrum against the monolith trials it was compared with; small, to sit in a grid. */
export function candidateSpectrumChart(service: string, points: SidePoint[]): TopLevelSpec {
  return {
    width: 'container', height: 180, autosize: { type: 'fit-x', contains: 'padding' },
    title: { text: `extract ${service}`, fontSize: 13 },
    data: { values: points },
    transform: [{ filter: 'datum.latencyMs > 0' }],
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { ...ninesAxis(points), title: 'percentile' },
      y: { field: 'latencyMs', type: 'quantitative', title: 'checkout (ms, log)', scale: { type: 'log' } },
      color: { field: 'side', type: 'nominal', title: '', scale: { domain: ['monolith', 'candidate'], range: ['#7f7f7f', '#d62728'] }, legend: { orient: 'bottom', direction: 'horizontal' } },
      tooltip: [
        { field: 'side', title: 'side' }, { field: 'percentile', title: 'percentile' },
        { field: 'latencyMs', title: 'latency (ms)', type: 'quantitative', format: msFormat }, { field: 'requests', title: 'requests pooled', type: 'quantitative' },
      ],
    },
  } as TopLevelSpec;
}
