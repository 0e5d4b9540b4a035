// Several runs side by side: each wiring's p99 and CPU as multiples of its own run's monolith, so runs
// on different machines or loads compare by ratio, not by absolute figures.
import type { RunResult } from '../results/run.js';
import { comparisonChart, type ComparisonPoint } from './charts.js';
import { intervalMethod, ms, num, ratio, times, timesWithRange } from './format.js';
import { esc, figure, page, table, type Row } from './html.js';
import { brokenInvariants } from './section-run.js';
import { BASELINE, describeArrival, latencyRows, wiringCosts, wiringsOf, workflowsOf } from './summary.js';

/** The workflow a run is compared on: "all" when it mixes several, else its only one. */
const headlineWorkflow = (run: RunResult) => workflowsOf(run).at(-1);

function comparisonPoints(runs: RunResult[]): ComparisonPoint[] {
  return runs.flatMap((run) => {
    const workflow = headlineWorkflow(run);
    const rows = latencyRows(run).filter((r) => r.workflow === workflow);
    const costs = new Map(wiringCosts(run).map((c) => [c.wiring, c]));
    const base = rows.find((r) => r.wiring === BASELINE);
    if (!base) return [];
    return rows.map((r) => ({
      run: run.runId, wiring: r.wiring, workflow: r.workflow, p99Ms: r.p99Ms, p99Ratio: r.p99Ms / base.p99Ms,
      cpuRatio: ratio(costs.get(r.wiring)?.cpuSPer1kRequests, costs.get(BASELINE)?.cpuSPer1kRequests),
    }));
  });
}

/** `runLink(runId)` is the href of that run's own page, relative to where this page is written. */
export function comparisonPage(runs: RunResult[], runLink: (runId: string) => string): string {
  const runIds = runs.map((r) => r.runId);
  const wirings = [...new Set(runs.flatMap(wiringsOf))];
  const points = comparisonPoints(runs);
  const chart = { id: 'chart-comparison', spec: comparisonChart(points, runIds, wirings) };
  const runsTable = table(['run', 'started', 'profile', 'scenario', 'load', 'machine', 'invariants'], runs.map((r) => [
    `<a href="${esc(runLink(r.runId))}">${esc(r.runId)}</a>`, esc(r.environment.startedAt), esc(r.config.profile), esc(r.config.scenario.name), esc(describeArrival(r)),
    `${esc(r.environment.cores)} × ${esc(r.environment.cpuModel)}, node ${esc(r.environment.node)}`,
    brokenInvariants(r).length ? '<strong style="color: var(--bad)">BROKEN</strong>' : 'OK',
  ]));
  const rows: Row[] = runs.flatMap((run) => {
    const workflow = headlineWorkflow(run);
    const lat = latencyRows(run).filter((r) => r.workflow === workflow);
    const costs = new Map(wiringCosts(run).map((c) => [c.wiring, c]));
    const base = lat.find((r) => r.wiring === BASELINE);
    return [{ group: `${esc(run.runId)} · ${esc(workflow === 'all' ? 'all workflows' : workflow ?? '')}` }, ...lat.map((r) => [
      esc(r.wiring), ms(r.p50Ms), ms(r.p99Ms), r.wiring === BASELINE || !base ? times(ratio(r.p99Ms, base?.p99Ms)) : timesWithRange(r.vsBaseline?.p99),
      num(costs.get(r.wiring)?.cpuSPer1kRequests), r.wiring === BASELINE ? times(1) : timesWithRange(costs.get(r.wiring)?.vsBaseline?.cpuSPer1kRequests),
      costs.get(r.wiring)?.maxRps === undefined ? '—' : `${num(costs.get(r.wiring)?.maxRps)} req/s`,
    ])];
  });
  const body = `<header><h1>splitbench: ${runs.length} runs compared</h1><p class="sub">${runIds.map(esc).join(' · ')}</p></header>` +
    (runs.some((r) => brokenInvariants(r).length) ? '<div class="banner bad" role="alert">BROKEN: at least one of these runs broke its invariants; its figures are not valid (see its own page).</div>' : '') +
    `<section><h2>Runs</h2>${runsTable}</section>` +
    `<section><h2>p99 and CPU, as multiples of each run's monolith</h2>` +
    (points.length ? figure(chart, 'Read: a bar is one wiring in one run; its height is that wiring\'s p99 divided by the monolith\'s p99 measured in the same run (1× = no cost). ' +
      'Bars of the same wiring that differ a lot between runs mean the cost of splitting depends on the load, the scenario or the machine — see each run\'s own page before trusting either.') : '<p>No run here has a monolith to compare with.</p>') +
    table(['wiring', 'p50', 'p99', 'p99 × monolith', 'CPU s per 1,000 requests', 'CPU × monolith', 'max throughput'], rows) +
    `<p class="note">Latency percentiles pooled over each run's trials, CPU the median over them; ratios with their ${intervalMethod(Math.max(...runs.map((r) => r.config.trials)))} within each run. Latency coordinated-omission corrected where the run\'s driver is the built-in one (see each run's section 8).</p></section>`;
  return page({ title: `splitbench · ${runs.length} runs compared`, body, charts: points.length ? [chart] : [] });
}
