// Vega-Lite specs, one function per chart. Every chart fills its container's width (phone to
// desktop), has a title, axis titles with units, tooltips, and its legend below the plot.
import type { TopLevelSpec } from 'vega-lite';
import { AB_SIDES } from './ab-data.js';
import type { SweepPoint } from '../results/run.js';
import type { BoundaryPoint } from './boundary.js';
import type { EstimateRow } from './estimates.js';
import type { AbSpectrumPoint, GateBand, PairPoint } from './ab-data.js';
import type { SpectrumPoint } from './spectrum.js';
import { keptRate } from './summary.js';
import type { TailRow } from './tail-amplification.js';

export const frame = { width: 'container', height: 300, autosize: { type: 'fit-x', contains: 'padding' } } as const;
// Two columns of at most ~130 px each fit a phone's width; longer labels end in an ellipsis (the tooltip has them whole).
export const legend = (title: string) => ({ title, orient: 'bottom', direction: 'horizontal', columns: 2, labelLimit: 100, labelFontSize: 10, columnPadding: 8 }) as const;
const wiringColor = (wirings: string[]) => ({ field: 'wiring', type: 'nominal', title: 'wiring', scale: { domain: wirings, scheme: 'tableau10' }, legend: legend('wiring') }) as const;
export const msFormat = '.3~r';

/** The percentile on a "nines" axis (0 = p0, 1 = p90, 2 = p99 …), up to the deepest nine the points reach. */
export function ninesAxis(points: { nines: number }[]) {
  const top = Math.ceil(Math.max(0, ...points.map((p) => p.nines)));
  return {
    field: 'nines', type: 'quantitative', title: 'percentile (log scale: one step per nine)', scale: { domain: [0, top] as number[] },
    axis: { values: Array.from({ length: top + 1 }, (_, i) => i), labelExpr: "datum.value == 0 ? 'p0' : 'p' + format(100 - pow(10, 2 - datum.value), '.6~f')" },
  } as const;
}

export function spectrumChart(workflow: string, points: SpectrumPoint[], wirings: string[]): TopLevelSpec {
  return percentileLines({
    title: { text: `${workflow}: latency at each percentile`, subtitle: 'coordinated-omission corrected; all trials pooled' },
    points, series: 'wiring', color: wiringColor(wirings), requestsTitle: 'requests in histogram',
  });
}

/** Latency against percentile on the nines axis, one line per series (a wiring, or a side of an A/B). */
function percentileLines(o: { title: TopLevelSpec['title']; points: (SpectrumPoint | AbSpectrumPoint)[]; series: string; color: object; requestsTitle: string }): TopLevelSpec {
  return {
    ...frame,
    title: o.title,
    data: { values: o.points },
    transform: [{ filter: 'datum.latencyMs > 0' }],
    mark: { type: 'line', point: { size: 14 }, strokeWidth: 2 },
    encoding: {
      x: ninesAxis(o.points),
      y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' } },
      color: o.color,
      tooltip: [
        { field: o.series, title: o.series }, { field: 'percentile', title: 'percentile' },
        { field: 'latencyMs', title: 'latency (ms)', type: 'quantitative', format: msFormat }, { field: 'requests', title: o.requestsTitle, type: 'quantitative' },
      ],
    },
  };
}

export function sweepChart(points: SweepPoint[], wirings: string[]): TopLevelSpec {
  const values = points.flatMap((p) => (['p50', 'p99'] as const).map((percentile) => ({
    wiring: p.wiring, percentile, latencyMs: p.latencyMs[percentile], offeredRps: p.offeredRps, achievedRps: p.achievedRps,
    fraction: p.fraction, errors: p.errors, dropped: p.dropped,
    kept: keptRate(p),
  })));
  const tooltip = [
    { field: 'wiring', title: 'wiring' }, { field: 'percentile', title: 'percentile' },
    { field: 'latencyMs', title: 'latency (ms)', type: 'quantitative', format: msFormat },
    { field: 'offeredRps', title: 'offered (req/s)', type: 'quantitative', format: ',.0f' },
    { field: 'achievedRps', title: 'achieved (req/s)', type: 'quantitative', format: ',.0f' },
    { field: 'fraction', title: "fraction of the monolith's max", type: 'quantitative', format: '.0%' },
    { field: 'errors', title: 'errors', type: 'quantitative' }, { field: 'dropped', title: 'dropped sends', type: 'quantitative' },
  ] as const;
  return {
    ...frame,
    title: { text: 'Latency vs offered load', subtitle: ['open model; solid p99, dashed p50', 'hollow points: fell behind the offered rate'] },
    data: { values },
    transform: [{ filter: 'datum.latencyMs > 0' }],
    encoding: {
      x: { field: 'offeredRps', type: 'quantitative', title: 'offered load (req/s)' },
      y: { field: 'latencyMs', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' } },
      color: wiringColor(wirings),
    },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { strokeDash: { field: 'percentile', type: 'nominal', title: 'percentile', scale: { domain: ['p99', 'p50'], range: [[1, 0], [4, 3]] }, legend: legend('percentile') } },
      },
      // Filled where the wiring kept the offered rate, hollow where it fell behind: the knee.
      { transform: [{ filter: 'datum.kept' }], mark: { type: 'point', size: 60, filled: true }, encoding: { tooltip: [...tooltip] } },
      { transform: [{ filter: '!datum.kept' }], mark: { type: 'point', size: 60, strokeWidth: 2 }, encoding: { tooltip: [...tooltip] } },
    ],
  };
}

export function boundaryChart(points: BoundaryPoint[], wirings: string[]): TopLevelSpec {
  const edges = [...new Map(points.map((p) => [p.edge, p.step])).entries()].sort((a, b) => a[1] - b[1]).map(([edge]) => edge);
  const shown = wirings.filter((w) => points.some((p) => p.wiring === w));
  return {
    ...frame,
    // A fixed height per row: vega-lite's { step } height warns beside a container width.
    height: 40 * shown.length,
    title: { text: 'Checkout path: crossing boundaries', subtitle: ['per hop: median of round trip − handler time,', 'stacked in call order'] },
    data: { values: points },
    mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      y: { field: 'wiring', type: 'nominal', title: 'wiring', sort: shown, axis: { labelLimit: 140 } },
      x: { field: 'overheadP50Ms', type: 'quantitative', title: ['boundary overhead per checkout (ms)', 'sum of per-hop medians'], stack: 'zero' },
      color: { field: 'edge', type: 'nominal', title: 'hop (caller → callee)', sort: edges, scale: { scheme: 'tableau20' }, legend: legend('hop (caller → callee)') },
      order: { field: 'step', type: 'quantitative' },
      tooltip: [
        { field: 'wiring', title: 'wiring' }, { field: 'edge', title: 'hop' }, { field: 'transport', title: 'transport' },
        { field: 'overheadP50Ms', title: 'overhead p50 (ms)', type: 'quantitative', format: msFormat },
        { field: 'overheadP99Ms', title: 'overhead p99 (ms)', type: 'quantitative', format: msFormat },
        { field: 'rttP50Ms', title: 'round trip p50 (ms)', type: 'quantitative', format: msFormat },
        { field: 'handlerP50Ms', title: 'handler p50 (ms)', type: 'quantitative', format: msFormat },
        { field: 'calls', title: 'calls (median over trials)', type: 'quantitative' },
      ],
    },
  };
}

export function estimatesChart(rows: EstimateRow[]): TopLevelSpec {
  const calls = rows.map((r) => r.call);
  const ranges = rows.flatMap((r) => (r.quoted ? [{ call: r.call, what: 'estimate (quoted)', loUs: r.quoted.loUs, hiUs: r.quoted.hiUs, quoted: r.quoted.latency }] : []));
  const measured = rows.flatMap((r) => (r.measured ? [
    { call: r.call, what: 'measured p50', us: r.measured.p50Us, name: r.measured.name, samples: r.measured.samples },
    { call: r.call, what: 'measured p99', us: r.measured.p99Us, name: r.measured.name, samples: r.measured.samples },
  ] : []));
  const what = { field: 'what', type: 'nominal', title: null, scale: { domain: ['estimate (quoted)', 'measured p50', 'measured p99'], range: ['#bbbbbb', '#1f77b4', '#d62728'] }, legend: legend('') } as const;
  const x = (field: string) => ({
    field, type: 'quantitative', title: 'time per call (log scale)', scale: { type: 'log', domain: [0.0005, 100_000] as number[] },
    axis: { labelExpr: "datum.value < 1 ? format(datum.value * 1000, '~r') + ' ns' : datum.value < 1000 ? format(datum.value, '~r') + ' µs' : format(datum.value / 1000, '~r') + ' ms'" },
  }) as const;
  return {
    ...frame,
    height: 48 * calls.length,
    title: { text: 'Estimated vs measured: one call', subtitle: ['grey bars: the article\'s estimates', 'points: this run\'s micro benchmarks'] },
    encoding: { y: { field: 'call', type: 'nominal', title: 'call', sort: calls, axis: { labelLimit: 140 } } },
    layer: [
      {
        data: { values: ranges },
        mark: { type: 'bar', height: 16 },
        encoding: {
          x: x('loUs'), x2: { field: 'hiUs' }, color: what,
          tooltip: [{ field: 'call', title: 'call' }, { field: 'quoted', title: 'estimate (quoted)' }],
        },
      },
      {
        data: { values: measured },
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          x: x('us'), color: what,
          tooltip: [
            { field: 'name', title: 'micro benchmark' }, { field: 'what', title: 'statistic' },
            { field: 'us', title: 'µs', type: 'quantitative', format: '.3~r' }, { field: 'samples', title: 'samples', type: 'quantitative' },
          ],
        },
      },
    ],
  };
}

export function tailChart(rows: TailRow[], wirings: string[]): TopLevelSpec {
  const series = ['measured', 'predicted, p = 1 %', 'predicted, p = p̂'];
  const values = rows.flatMap((r) => (r.measured ? [
    { wiring: r.wiring, series: series[0], share: r.measured.share, k: r.hops, requests: r.measured.requests },
    { wiring: r.wiring, series: series[1], share: r.predicted, k: r.hops, requests: r.measured.requests },
    { wiring: r.wiring, series: series[2], share: r.measured.predictedAtMeasuredP, k: r.hops, requests: r.measured.requests },
  ] : []));
  return {
    ...frame,
    title: { text: 'Tail amplification: checkout', subtitle: ['checkout requests that met at least one', 'slow remote call; predicted: 1 − (1 − p)^k'] },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'wiring', type: 'nominal', title: 'wiring', sort: wirings, axis: { labelAngle: 0, labelLimit: 90 } },
      xOffset: { field: 'series', type: 'nominal', sort: series },
      y: { field: 'share', type: 'quantitative', title: 'share of checkout requests (%)', axis: { format: '.0%' } },
      color: { field: 'series', type: 'nominal', title: null, sort: series, scale: { domain: series, range: ['#d62728', '#bbbbbb', '#7f7f7f'] }, legend: legend('') },
      tooltip: [
        { field: 'wiring', title: 'wiring' }, { field: 'series', title: 'figure' }, { field: 'share', title: 'share', type: 'quantitative', format: '.2%' },
        { field: 'k', title: 'remote calls per request (k, median)', type: 'quantitative' }, { field: 'requests', title: 'checkout requests', type: 'quantitative' },
      ],
    },
  };
}

export interface ComparisonPoint { run: string; wiring: string; workflow: string; p99Ms: number; p99Ratio: number; cpuRatio: number | undefined; }

export function comparisonChart(points: ComparisonPoint[], runs: string[], wirings: string[]): TopLevelSpec {
  return {
    ...frame,
    title: { text: 'p99 relative to the monolith, by run', subtitle: ['each run\'s own monolith is its 1×', 'all workflows together'] },
    data: { values: points },
    // Bars grow from 1× (no cost), not from 0: the scale is logarithmic.
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'wiring', type: 'nominal', title: 'wiring', sort: wirings, axis: { labelAngle: 0, labelLimit: 90 } },
      xOffset: { field: 'run', type: 'nominal', sort: runs },
      y: { field: 'p99Ratio', type: 'quantitative', title: "p99 ÷ its run's monolith p99 (×, log)", scale: { type: 'log' } },
      y2: { datum: 1 },
      color: { field: 'run', type: 'nominal', title: 'run', sort: runs, scale: { scheme: 'tableau10' }, legend: legend('run') },
      tooltip: [
        { field: 'run', title: 'run' }, { field: 'wiring', title: 'wiring' }, { field: 'workflow', title: 'workflow' },
        { field: 'p99Ms', title: 'p99 (ms)', type: 'quantitative', format: msFormat },
        { field: 'p99Ratio', title: 'p99 × monolith', type: 'quantitative', format: '.3~r' },
        { field: 'cpuRatio', title: 'CPU per request × monolith', type: 'quantitative', format: '.3~r' },
      ],
    },
  };
}

export function abSpectrumChart(subject: string, points: AbSpectrumPoint[]): TopLevelSpec {
  return percentileLines({
    title: { text: `${subject}: base vs candidate, latency at each percentile`, subtitle: ['coordinated-omission corrected;', "each side's trials pooled"] },
    points, series: 'side', requestsTitle: 'requests (trials pooled)',
    color: { field: 'side', type: 'nominal', title: 'side', scale: { domain: [...AB_SIDES], range: ['#7f7f7f', '#d62728'] }, legend: legend('side') },
  });
}

/** Each pair's ratio beside the gate's interval: the band is the decision, the points are what it rests on. */
export function pairedRatioChart(subject: string, points: PairPoint[], bands: GateBand[], minEffect: number): TopLevelSpec {
  const pct = `${+(minEffect * 100).toPrecision(3)} %`;
  // Every layer names the same title (vega-lite would otherwise join the fields' names); not "nice":
  // a log scale rounded to powers of ten would flatten changes of a few percent.
  const y = (field: string) => ({ field, type: 'quantitative', title: 'candidate ÷ base (×, log scale)', scale: { type: 'log', nice: false } }) as const;
  const color = { field: 'metric', type: 'nominal', title: 'percentile', scale: { domain: ['p50', 'p99'], range: ['#1f77b4', '#ff7f0e'] }, legend: { ...legend('percentile (each trial\'s own)'), symbolOpacity: 1 } } as const;
  const bandTooltip = [
    { field: 'metric', title: 'percentile' }, { field: 'value', title: 'gate: change (×)', type: 'quantitative', format: '.3~r' },
    { field: 'low', title: 'interval low (×)', type: 'quantitative', format: '.3~r' }, { field: 'high', title: 'interval high (×)', type: 'quantitative', format: '.3~r' },
    { field: 'verdict', title: 'verdict' },
  ] as const;
  return {
    ...frame,
    title: { text: `${subject}: candidate ÷ base, pair by pair`, subtitle: ["points: one ABBA pair; band and line: the gate's", `interval and change; dashed: ± ${pct}, the smallest that counts`] },
    layer: [
      // Without an x, a rect or rule spans every pair: the gate's figure is one for all of them.
      { data: { values: bands }, mark: { type: 'rect', opacity: 0.18 }, encoding: { y: y('low'), y2: { field: 'high' }, color, tooltip: [...bandTooltip] } },
      { data: { values: bands }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { y: y('value'), color, tooltip: [...bandTooltip] } },
      { data: { values: [{ ratio: 1 / (1 + minEffect) }, { ratio: 1 + minEffect }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#5f6368' }, encoding: { y: y('ratio') } },
      { data: { values: [{ ratio: 1 }] }, mark: { type: 'rule', color: '#1d1d1f' }, encoding: { y: y('ratio') } },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'pair', type: 'ordinal', title: 'ABBA pair (trial number)', axis: { labelAngle: 0 } }, y: y('ratio'), color,
          tooltip: [
            { field: 'pair', title: 'pair' }, { field: 'metric', title: 'percentile' },
            { field: 'ratio', title: 'candidate ÷ base (×)', type: 'quantitative', format: '.3~r' },
            { field: 'baseMs', title: 'base (ms)', type: 'quantitative', format: msFormat }, { field: 'candidateMs', title: 'candidate (ms)', type: 'quantitative', format: msFormat },
          ],
        },
      },
    ],
  };
}
