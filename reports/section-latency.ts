// Sections 2–4: the cost-of-splitting table, the percentile spectrum, latency vs offered load.
import type { RunResult } from '../results/run.js';
import { describeBill } from '../results/bill.js';
import { spectrumChart, sweepChart } from './charts.js';
import { intervalMethod, MISSING, msAtLeast, num, ratio, ratioRange, times } from './format.js';
import type { RatioInterval } from '../results/ratio-interval.js';
import { esc, figure, table, type Row } from './html.js';
import type { Section } from './section.js';
import { spectrum } from './spectrum.js';
import { BASELINE, keptRate, latencyRows, wiringCosts, wiringsOf, workflowsOf } from './summary.js';

/** A measured figure with its ratio to the monolith's, and that ratio's interval on a line of its own (the table fits 1280 px). */
const withRatio = (value: string, r: RatioInterval | undefined, isBaseline: boolean) =>
  `${value}<span class="ratio">${isBaseline ? 'baseline' : r === undefined ? MISSING : `${times(r.value)} monolith</span><span class="ratio">[${ratioRange(r)}]`}</span>`;
/** A count that is exact (processes): its ratio has no interval to carry. */
const withExactRatio = (value: string, r: number | undefined, isBaseline: boolean) =>
  `${value}<span class="ratio">${isBaseline ? 'baseline' : r === undefined ? MISSING : `${times(r)} monolith`}</span>`;

export function costTable(run: RunResult): Section {
  const rows = latencyRows(run);
  if (rows.length === 0) return { html: '<p>This run has no open-model cells, so no latency to compare; its saturation runs (if any) are in the verdict and in section 8.</p>', charts: [] };
  const costs = new Map(wiringCosts(run).map((c) => [c.wiring, c]));
  const base = costs.get(BASELINE);
  const hasSaturation = (run.saturation ?? []).length > 0;
  const trials = Math.max(1, ...[...costs.values()].map((c) => c.trials));
  const priced = run.config.prices !== undefined;
  const head = ['wiring', 'processes', 'p50', 'p99', 'p99.9', 'max throughput', 'CPU per 1,000 requests', 'peak RSS', ...(priced ? ['$ per million orders'] : []), 'achieved of offered', 'errors'];
  const body: Row[] = [];
  for (const workflow of [...new Set(rows.map((r) => r.workflow))]) {
    body.push({ group: workflow === 'all' ? 'all workflows together' : esc(workflow) });
    const baseRow = rows.find((r) => r.workflow === workflow && r.wiring === BASELINE);
    for (const r of rows.filter((x) => x.workflow === workflow)) {
      const c = costs.get(r.wiring);
      const isBase = r.wiring === BASELINE;
      const lat = (v: number, k: 'p50' | 'p99' | 'p999') => withRatio(msAtLeast(v, r.lowerBound), baseRow && r.vsBaseline?.[k], isBase);
      body.push([
        esc(r.wiring),
        withExactRatio(num(c?.processes), ratio(c?.processes, base?.processes), isBase),
        lat(r.p50Ms, 'p50'), lat(r.p99Ms, 'p99'), lat(r.p999Ms, 'p999'),
        // One saturation run per wiring: no spread, so no ratio without an interval.
        c?.maxRps === undefined ? MISSING : `${num(c.maxRps)} req/s<span class="ratio">${isBase ? 'baseline' : 'one run: no ratio'}</span>`,
        withRatio(c?.cpuSPer1kRequests === undefined ? MISSING : `${num(c.cpuSPer1kRequests)} s`, c?.vsBaseline?.cpuSPer1kRequests, isBase) +
          (c?.dbCpuSPer1kRequests === undefined ? '' : `<span class="ratio">+ database ${num(c.dbCpuSPer1kRequests)} s</span>`),
        withRatio(c?.rssPeakMbSum === undefined ? MISSING : `${num(c.rssPeakMbSum)} MB`, c?.vsBaseline?.rssPeakMbSum, isBase),
        ...(priced ? [withRatio(c?.usdPerMillionOrders === undefined ? MISSING : `$${c.usdPerMillionOrders.toFixed(2)}`, c?.vsBaseline?.usdPerMillionOrders, isBase)] : []),
        c?.offeredRps === undefined ? MISSING : `${num(c.achievedRps)} of ${num(c.offeredRps)} req/s${keptRate(c) ? '' : ' ⚠'}`,
        r.ok + r.errors ? `${num(r.errors)} (${num((100 * r.errors) / (r.ok + r.errors))} %)` : MISSING,
      ]);
    }
  }
  const html = table(head, body) +
    `<p class="note">Latency: ${run.config.driver === 'builtin' ? 'coordinated-omission corrected (from each request\'s intended send time)' : `<strong>not</strong> coordinated-omission corrected (driver ${esc(run.config.driver)}, see section 8)`}, percentiles over every answer of the ${trials} trial(s) per wiring pooled (their histograms merged); CPU, RSS and $ the median over trials; ` +
    `each figure also as a multiple of the monolith's with its interval in brackets (${intervalMethod(trials)}: each round's ratio of the same measure, the interval centred on the ratio shown); a bracket that holds 1× is no difference this run can resolve. Processes: an exact count. CPU: seconds of CPU of every process of the wiring per 1,000 requests answered in the measured window, the database's CPU beside it; ` +
    'peak RSS summed over the wiring\'s processes; CPU, RSS and the achieved rate are per wiring (the whole workload), so they repeat across workflows. ' +
    (hasSaturation ? 'Max throughput: closed model (autocannon) with the scenario\'s mix, completed requests per second, one run per wiring (no spread, so no ratio stated). ' : 'Max throughput: not measured in this run (no saturation runs; <code>--saturation</code> or the default profile measure it). ') +
    (priced ? `${esc(describeBill(run.config.prices!))} ` : '') +
    '⚠: the wiring fell more than 5 % short of the offered rate, so its latency is that of an overloaded queue. ' +
    '≥: over 1 % of a trial\'s sends were dropped (no free slot within maxInFlight: no latency at all) or timed out (latency = the timeout), so the figure is a lower bound; both count in errors.</p>';
  return { html, charts: [] };
}

export function spectrumSection(run: RunResult): Section {
  const wirings = wiringsOf(run);
  const charts = workflowsOf(run).flatMap((workflow) => {
    const points = spectrum(run, workflow);
    return points.length ? [{ id: `chart-spectrum-${slug(workflow)}`, spec: spectrumChart(workflow, points, wirings) }] : [];
  });
  if (charts.length === 0) return { html: '<p>This run has no open-model cells, so no end-to-end histogram to draw.</p>', charts: [] };
  const caption = 'Read: the vertical gap between two lines at p50 is what splitting costs a typical request; the gap at p99 and p99.9 is what the slowest 1 % and 0.1 % pay. ' +
    'A line that climbs steeply on the right has a tail driven by rare stalls. Each line ends where its sample runs out: with n requests, percentiles past 1 − 1/n are the maximum. ' +
    'Values are decoded from the run\'s HdrHistograms (µs resolution, 3 significant digits).';
  return { html: charts.map((c) => figure(c, caption)).join(''), charts };
}

export function sweepSection(run: RunResult): Section {
  const points = run.sweep ?? [];
  if (points.length === 0) {
    return {
      html: `<p class="banner warn">This run has no latency-vs-load sweep (profile <code>${esc(run.config.profile)}</code>), so this chart is missing, not empty. ` +
        'Measure it with <code>npm run bench -- --sweep</code> or <code>--profile full</code>: open-model latency at 10, 25, 50, 75 and 90 % of the monolith\'s maximum throughput, for every wiring.</p>',
      charts: [],
    };
  }
  const chart = { id: 'chart-sweep', spec: sweepChart(points, wiringsOf(run)) };
  const monolithMax = run.saturation?.find((s) => s.wiring === BASELINE)?.maxRps;
  const caption = 'Read: follow each wiring\'s solid (p99) line to the right; its knee is where the line turns upward and the points go hollow — from there the wiring cannot keep the offered rate and requests queue. ' +
    `The offered rates are fractions of the monolith's maximum throughput in this run${monolithMax === undefined ? '' : ` (${num(monolithMax)} req/s, closed model)`}, each held for the sweep's measured window after a warm-up, ascending, on one started wiring.`;
  return { html: figure(chart, caption), charts: [chart] };
}

const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
