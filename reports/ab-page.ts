// The same-job A/B gate's page: the verdict and what was run, then per wiring × workflow both sides'
// percentile spectra and every pair's ratio against the gate's interval, then the gate's tables.
import { atLeast } from '../results/lower-bound.js';
import type { RunResult } from '../results/run.js';
import { signedPercent, type BudgetCheck, type Comparison, type GateResult } from '../results/gate.js';
import { trialsOf } from '../results/trials.js';
import { abSpectrum, gateBands, pairPoints, subjectsOf } from './ab-data.js';
import { abSpectrumChart, pairedRatioChart } from './charts.js';
import { ms, num } from './format.js';
import { esc, figure, page, table, type Chart } from './html.js';

const pct = (share: number) => `${+(share * 100).toPrecision(3)} %`;
const bad = (html: string) => `<strong style="color: var(--bad)">${html}</strong>`;

export function abPage(gate: GateResult, base: RunResult, candidate: RunResult): string {
  const charts: Chart[] = [];
  const figures = subjectsSection(gate, { base, candidate }, charts);
  const edges = gate.comparisons.filter((c) => c.edge);
  const body = header(gate, base, candidate) +
    (gate.broken.length ? `<div class="banner bad" role="alert">Invariants broken in ${esc(gate.broken.join(', '))}: the candidate run is broken, whatever its latency.</div>` : '') +
    (gate.warnings.length ? `<div class="banner warn"><ul>${gate.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>` : '') +
    `<section id="pairs"><h2>Base vs candidate, per wiring × workflow</h2>${figures}</section>` +
    `<section id="comparisons"><h2>Comparisons</h2>${comparisonsTable(gate.comparisons.filter((c) => !c.edge), 'workflow', gate)}</section>` +
    (edges.length ? `<section id="edges"><h2>Edges (caller → callee, the caller's round trip)</h2>${comparisonsTable(movedFirst(edges), 'edge', gate)}</section>` : '') +
    (gate.budgets.length ? `<section id="budgets"><h2>Budgets (scenario slo, the candidate alone)</h2>${budgetsTable(gate.budgets)}</section>` : '') +
    `<details id="method"><summary>Method</summary><p>${esc(gate.method)}</p></details>`;
  return page({ title: `splitbench · A/B gate ${gate.pass ? 'pass' : 'FAIL'}`, body, charts });
}

function header(gate: GateResult, base: RunResult, candidate: RunResult): string {
  const ab = gate.ab;
  const e = base.environment;
  const facts: [string, string][] = [
    ['base', `<code>${esc(ab?.baseSha ?? gate.baseline.gitSha)}</code>`],
    ['candidate', `<code>${esc(ab?.candidateSha ?? gate.candidate.gitSha)}</code>${ab?.candidateDirty ? ' (with uncommitted changes)' : ''}`],
    ['pairs', ab ? `${esc(ab.pairs)} ${esc(ab.order)} pairs per wiring${ab.maxPairs ? ` (sequential, up to ${esc(ab.maxPairs)})` : ''}` : '—'],
    // Only a sequential run records why it stopped; a fixed one ran the pairs it was asked for.
    ['stopped', esc(ab?.stopped ?? 'after the pairs asked for')],
    ['statistic', `${esc(gate.settings.statistic ?? 'bootstrap')}; ${pct(gate.settings.perCheckConfidence)} per check over ${esc(gate.settings.gatedChecks)} gated checks; ` +
      `family-wise ${pct(gate.settings.confidence)}; smallest change that counts ${pct(gate.settings.minEffect)}`],
    ['scenario', esc(gate.scenario)],
    ['machine', `${esc(e.cores)} × ${esc(e.cpuModel)}, ${esc(e.memoryGb)} GiB, node ${esc(e.node)}, ${esc(e.os)} (${esc(e.hostname)})`],
    ['load average', `base ${esc(e.loadAverage.join(' / '))} · candidate ${esc(candidate.environment.loadAverage.join(' / '))} (1 / 5 / 15 min, at each run's start)`],
  ];
  return `<header><h1>splitbench A/B gate: ${gate.pass ? 'pass' : bad('FAIL')}</h1><p class="sub">${esc(gate.summary)}</p>` +
    `<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></header>` +
    (gate.pass ? '' : `<div class="banner bad" role="alert">${esc(gate.summary)}</div>`);
}

function subjectsSection(gate: GateResult, runs: { base: RunResult; candidate: RunResult }, charts: Chart[]): string {
  const trials = { base: trialsOf(runs.base), candidate: trialsOf(runs.candidate) };
  return subjectsOf(gate).map(({ wiring, workflow }, i) => {
    const subject = `${wiring} ${workflow}`;
    const spectrum = { id: `chart-ab-spectrum-${i + 1}`, spec: abSpectrumChart(subject, abSpectrum(runs, wiring, workflow)) };
    const pairs = { id: `chart-ab-pairs-${i + 1}`, spec: pairedRatioChart(subject, pairPoints(trials, wiring, workflow), gateBands(gate, wiring, workflow), gate.settings.minEffect) };
    charts.push(spectrum, pairs);
    return `<h3>${esc(subject)}</h3>` +
      figure(spectrum, 'Read: the gap between the lines is the change at that percentile, over all trials of each side pooled. ' +
        'The gate does not decide on this pooled view but on each pair\'s own ratio (next chart), where what the machine did during a pair cancels.') +
      figure(pairs, 'Read: each point is one ABBA pair, its candidate trial\'s percentile ÷ its base trial\'s. ' +
        'The shaded band is the gate\'s interval for that percentile\'s change and its line the change itself: it regressed (or improved) only when the band clears 1× and the line is past a dashed one.');
  }).join('');
}

/** Moved edges lead: a slower callee shows on its edge before its workflows. */
const movedFirst = (edges: Comparison[]) => [...edges].sort((a, b) => Number(moved(b)) - Number(moved(a)));
const moved = (c: Comparison) => c.verdict === 'regressed' || c.verdict === 'improved';

function comparisonsTable(rows: Comparison[], what: 'workflow' | 'edge', gate: GateResult): string {
  const level = pct(gate.settings.perCheckConfidence);
  return table(['wiring', what, 'metric', 'base', 'candidate', `change (${level} interval)`, 'verdict', 'gated'], rows.map((c) => [
    esc(c.wiring), esc(c.workflow), esc(c.metric), value(c, c.baseline, c.lowerBound?.baseline), value(c, c.candidate, c.lowerBound?.candidate),
    c.ratio ? `${signedPercent(c.ratio.value)} <span class="ratio">${signedPercent(c.ratio.low)} … ${signedPercent(c.ratio.high)}</span>` : '—',
    verdictCell(c), c.gated ? 'yes' : 'no',
  ]));
}

function value(c: Comparison, x: number | null, lowerBound: boolean | undefined): string {
  if (x === null) return '—';
  return esc(atLeast(c.unit === 'ms' ? ms(x) : c.unit === '×' ? `${num(x)}×` : `${num(x)} ok/s`, lowerBound));
}

function verdictCell(c: Comparison): string {
  const verdict = c.gated && c.verdict === 'regressed' ? bad('regressed') : esc(c.verdict);
  return c.note ? `${verdict} <span class="ratio">${esc(c.note)}</span>` : verdict;
}

function budgetsTable(budgets: BudgetCheck[]): string {
  return table(['wiring', 'workflow', 'budget', 'candidate', 'verdict'], budgets.map((b) => {
    const show = (x: number) => (b.unit === 'ms' ? ms(x) : b.unit === '×' ? `${num(x)}×` : pct(x));
    const measured = !b.value ? '—' : b.value.low === b.value.high ? show(b.value.value) : `${atLeast(show(b.value.value), b.lowerBound)} (${show(b.value.low)} … ${show(b.value.high)})`;
    const verdict = b.verdict === 'missed' ? (b.preexisting ? 'missed (base too: reported, not failed)' : bad('missed')) : esc(b.verdict);
    return [esc(b.wiring), esc(b.workflow), esc(b.budget), esc(measured), b.note ? `${verdict} <span class="ratio">${esc(b.note)}</span>` : verdict];
  }));
}
