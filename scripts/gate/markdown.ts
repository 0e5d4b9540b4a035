// The gate's verdict as Markdown, for a terminal and for a CI job summary ($GITHUB_STEP_SUMMARY).
import { signedPercent, type BudgetCheck, type Comparison, type GateResult, type RunRef } from '../../results/gate.js';
import { atLeast } from '../../results/lower-bound.js';
import { regressionText } from './verdict.js';

export function gateMarkdown(g: GateResult): string {
  const level = `${+(g.settings.perCheckConfidence * 100).toPrecision(3)} %`;
  const lines = [
    `### splitbench gate: ${g.pass ? '✅' : '❌'} ${g.summary}`,
    '',
    `Scenario \`${g.scenario}\` · baseline ${ref(g.baseline)} · candidate ${ref(g.candidate)}`,
    '',
  ];
  const edges = g.comparisons.filter((c) => c.edge);
  // A slower callee shows on its edge before its workflows: the hop to blame comes first.
  const moved = edges.filter((c) => c.verdict === 'regressed' || c.verdict === 'improved');
  if (moved.length) lines.push(`**Edges that moved** (caller's round trip): ${moved.map((c) => `${regressionText(c)} (${c.verdict}${c.gated ? '' : ', not gated'})`).join('; ')}`, '');
  lines.push(
    ...(g.ab ? [`Same-job A/B: base \`${g.ab.baseSha.slice(0, 8)}\` vs candidate \`${g.ab.candidateSha.slice(0, 8)}\`${g.ab.candidateDirty ? ' (with uncommitted changes)' : ''}, ${g.ab.pairs} ${g.ab.order} pairs per wiring; each change is the ${g.settings.statistic === 'student-t' ? 'geometric mean' : 'median'} of per-pair candidate ÷ base ratios${g.settings.statistic ? ` (${g.settings.statistic})` : ''}`, ''] : []),
    `| wiring | workflow | metric | baseline | candidate | change (${level} interval) | verdict |`,
    '|---|---|---|---:|---:|---|---|',
    ...g.comparisons.filter((c) => !c.edge).map(comparisonRow),
  );
  if (edges.length) {
    lines.push('', `**Edges** (caller → callee, the caller's round trip; ${level} interval)`, '',
      '| wiring | edge | metric | baseline | candidate | change | verdict |', '|---|---|---|---:|---:|---|---|', ...edges.map(comparisonRow));
  }
  if (g.budgets.length) {
    lines.push('', `**Budgets** (scenario \`slo\`, candidate alone; ${level} interval)`, '',
      '| wiring | workflow | budget | candidate | verdict |', '|---|---|---|---|---|', ...g.budgets.map(budgetRow));
  }
  if (g.broken.length) lines.push('', `❌ **Invariants broken** in ${g.broken.join(', ')}: the candidate run is broken, whatever its latency.`);
  if (g.warnings.length) lines.push('', ...g.warnings.map((w) => `- ⚠️ ${w}`));
  lines.push('', `<details><summary>Method</summary>\n\n${g.method}\n\n</details>`, '');
  return lines.join('\n');
}

function ref(r: RunRef): string {
  return `\`${r.runId}\` (${r.gitSha.slice(0, 8)}, ${r.profile} profile, ${r.cores} × ${r.cpuModel}, node ${r.node}${r.injectDelay ? `, injected delay ${r.injectDelay}` : ''})`;
}

function comparisonRow(c: Comparison): string {
  const shown = (x: number) => (c.unit === '×' ? `${x.toFixed(2)}×` : c.unit === 'ms' ? `${significant(x)} ms` : `${x.toFixed(1)} ok/s`);
  const value = (x: number | null, lowerBound: boolean | undefined) => (x === null ? '—' : atLeast(shown(x), lowerBound));
  const change = c.ratio ? `${percent(c.ratio.value)} (${percent(c.ratio.low)} … ${percent(c.ratio.high)})` : '—';
  return `| ${c.wiring} | ${c.workflow} | ${c.metric} | ${value(c.baseline, c.lowerBound?.baseline)} | ${value(c.candidate, c.lowerBound?.candidate)} | ${change} | ${verdictText(c)} |`;
}

function verdictText(c: Comparison): string {
  if (c.note) return `${c.verdict} (${c.note})`;
  if (!c.gated) return c.verdict === 'unchanged' ? c.verdict : `${c.verdict} (not gated)`;
  return c.verdict === 'regressed' ? '**regressed** ❌' : c.verdict === 'improved' ? 'improved ✅' : c.verdict;
}

function budgetRow(b: BudgetCheck): string {
  const show = (x: number) => (b.unit === 'ms' ? `${significant(x)} ms` : b.unit === '×' ? `${x.toFixed(2)}×` : `${+(x * 100).toPrecision(3)} %`);
  const value = !b.value ? '—' : b.value.low === b.value.high ? show(b.value.value) : `${atLeast(show(b.value.value), b.lowerBound)} (${show(b.value.low)} … ${show(b.value.high)})`;
  const verdict = b.verdict === 'missed' ? (b.preexisting ? 'missed (base too)' : '**missed** ❌') : b.verdict;
  return `| ${b.wiring} | ${b.workflow} | ${b.budget} | ${value} | ${b.note ? `${verdict} (${b.note})` : verdict} |`;
}

const significant = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const percent = signedPercent;
