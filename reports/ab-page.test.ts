// The A/B gate's page from a synthetic same-job A/B (scripts/gate/ab-fixture.ts): the verdict and both
// SHAs, two charts per wiring × workflow that compile cleanly, every comparison, the edges with the
// sparsely called one gated through its p50 alone, and names escaped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { abFixture, AB_FIXTURE_EDGES, AB_FIXTURE_SHAS } from '../scripts/gate/ab-fixture.js';
import { abPage } from './ab-page.js';
import { writeAbReport } from './ab-report.js';

const { gate, base, candidate } = abFixture();
const html = abPage(gate, base, candidate);
const chartsOf = (page: string): { id: string; spec: object }[] =>
  JSON.parse(page.match(/<script type="application\/json" id="splitbench-charts">(.*?)<\/script>/s)![1]);

describe('A/B page', () => {
  it('says the verdict and the summary, names both SHAs and the machine', () => {
    expect(gate.pass).toBe(false);
    expect(html).toContain('splitbench A/B gate: <strong style="color: var(--bad)">FAIL</strong>');
    expect(html).toContain(gate.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(html).toContain(AB_FIXTURE_SHAS.base);
    expect(html).toContain(AB_FIXTURE_SHAS.candidate);
    expect(html).toContain('5 ABBA pairs per wiring');
    expect(html).toContain('student-t');
    expect(html).toContain('2 × Test CPU');
  });

  it('draws a spectrum and a paired-ratio chart per wiring × workflow, each compiling without a warning', () => {
    const subjects = [...new Set(gate.comparisons.filter((c) => !c.edge).map((c) => `${c.wiring} ${c.workflow}`))];
    expect(subjects).toEqual(['monolith checkout', 'services/http checkout']);
    const charts = chartsOf(html);
    expect(charts.map((c) => c.id)).toEqual(['chart-ab-spectrum-1', 'chart-ab-pairs-1', 'chart-ab-spectrum-2', 'chart-ab-pairs-2']);
    for (const s of subjects) expect(html).toContain(`<h3>${s}</h3>`);
    for (const { id, spec } of charts) {
      const warnings: string[] = [];
      const logger = { level() { return this; }, warn: (...m: unknown[]) => { warnings.push(m.join(' ')); return this; }, info() { return this; }, debug() { return this; }, error: (...m: unknown[]) => { throw new Error(m.join(' ')); } };
      expect(compile(spec as never, { logger: logger as never }).spec.marks?.length, id).toBeGreaterThan(0);
      expect(warnings, id).toEqual([]);
    }
    // Five pairs, a p50 and a p99 each; both sides' spectra.
    const pairs = charts[1].spec as { layer: { data: { values: { pair?: number; side?: string }[] } }[] };
    expect(pairs.layer.at(-1)!.data.values).toHaveLength(10);
    const spectrum = charts[0].spec as { data: { values: { side: string }[] } };
    expect(new Set(spectrum.data.values.map((p) => p.side))).toEqual(new Set(['base', 'candidate']));
  });

  it('has a row for every comparison and budget, the moved edges first, the sparse edge by its p50 alone', () => {
    const rows = html.match(/<tr><th scope="row">/g)!.length;
    expect(rows).toBe(gate.comparisons.length + gate.budgets.length);
    const edges = html.slice(html.indexOf('<section id="edges">'), html.indexOf('<section id="budgets">'));
    const escapedGated = AB_FIXTURE_EDGES.gated.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;');
    expect(edges).toContain(escapedGated);
    expect(edges).toContain(AB_FIXTURE_EDGES.sparse);
    expect(gate.comparisons.filter((c) => c.edge && c.workflow === AB_FIXTURE_EDGES.sparse).map((c) => c.metric)).toEqual(['p50']);
    expect(gate.comparisons.find((c) => c.edge && c.workflow === AB_FIXTURE_EDGES.gated && c.metric === 'p50')!.verdict).toBe('regressed');
    expect(edges.indexOf('regressed')).toBeLessThan(edges.indexOf('unchanged') === -1 ? Infinity : edges.indexOf('unchanged'));
  });

  it('escapes HTML in names', () => {
    expect(html).not.toContain('<warehouse');
    expect(html).toContain('&lt;warehouse &amp; co&gt;');
    expect(html).toContain('<details id="method"><summary>Method</summary>');
  });

  it('says pass on unchanged code', () => {
    const same = abFixture(1);
    expect(same.gate.pass).toBe(true);
    expect(abPage(same.gate, same.base, same.candidate)).toContain('splitbench A/B gate: pass</h1>');
  });

  it('is written to <out>/report/index.html; one that cannot be written is logged in one line, not thrown', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-ab-page-'));
    try {
      const logged: string[] = [];
      const file = writeAbReport(dir, gate, { base, candidate }, (m) => logged.push(m));
      expect(file).toBe(path.join(dir, 'report', 'index.html'));
      expect(fs.readFileSync(file!, 'utf8')).toBe(html);
      // A file where the report folder should be: the page cannot be written.
      const blocked = path.join(dir, 'blocked');
      fs.mkdirSync(blocked);
      fs.writeFileSync(path.join(blocked, 'report'), '');
      expect(writeAbReport(blocked, gate, { base, candidate }, (m) => logged.push(m))).toBeUndefined();
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^report: not written \(.+\)$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
