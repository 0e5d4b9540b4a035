// The Extraction page and advise.json's reader, on reports/fixture.advise.json: a real quick study from
// this machine (notification, payment, checkout over gRPC, same-host and cross-az), its run id renamed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAdvise } from '../results/advise-file.js';
import { ladderOrder } from '../results/advise-rank.js';
import { RunFileError } from '../results/run-file.js';
import { advisePage } from './advise-page.js';
import { generateAdvisePage } from './generate.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixture.advise.json');
const advise = readAdvise(FIXTURE);
const { html, charts, summary } = advisePage(advise, 'reports/fixture.advise.json');
const text = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the Extraction page', () => {
  it('ranks every candidate under every link, cheapest first, each with what ranked it and its verdict sentence', () => {
    for (const link of advise.config.links) {
      const ranked = ladderOrder(advise.candidates.filter((c) => c.link === link.name));
      expect(ranked.map((c) => c.service)).toHaveLength(3);
      const table = text.indexOf(`link ${link.name} :`);
      expect(table).toBeGreaterThan(0);
      const order = ranked.map((c) => text.indexOf(`${c.rank}. ${c.service} ${c.rankedBy}`, table));
      expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1])), `${link.name}: ${order}`).toBe(true);
      for (const c of ranked) expect(html).toContain(c.verdict.replace(/'/g, '&#39;').slice(0, 40));
    }
    // The known answer the fixture carries: checkout, whose every call crosses, is dearest under both links.
    expect(summary.verdicts).toEqual(advise.config.links.map((l) => expect.stringContaining(`${l.name}: cheapest to extract`)));
    expect(summary.verdicts.every((v) => v.endsWith('dearest checkout (by checkout p99)'))).toBe(true);
  });

  it('reads a study written before the ranking by what resolved, and ranks it from its own deltas', () => {
    // The fixture predates rank and rankedBy: same-host's notification resolves nothing, payment only its p50, checkout its p99.
    const sameHost = ladderOrder(advise.candidates.filter((c) => c.link === 'same-host'));
    expect(sameHost.map((c) => [c.rank, c.service, c.rankedBy])).toEqual([[1, 'notification', 'unresolved'], [2, 'payment', 'p50'], [3, 'checkout', 'p99']]);
    expect(advise.candidates.every((c) => !('rankByP99' in c))).toBe(true);
    expect(html).toContain('<th scope="col">ranked by</th>');
  });

  it('draws the ladder once per measure with a line per link, and a spectrum per candidate and link', () => {
    expect(charts.map((c) => c.id)).toEqual([
      'ladder-p99', 'ladder-usd',
      ...advise.config.links.flatMap((l) => ladderOrder(advise.candidates.filter((c) => c.link === l.name)).map((c) => `spectrum-${l.name}-${c.service}`)),
    ]);
    const values = (charts[0].spec as { data: { values: { link: string; processes: number }[] } }).data.values;
    expect([...new Set(values.map((v) => v.link))]).toEqual(['same-host', 'cross-az']);
    expect(values.filter((v) => v.link === 'cross-az').map((v) => v.processes)).toEqual([1, 2, 3, 4]);
    const sides = (charts[2].spec as { data: { values: { side: string }[] } }).data.values.map((v) => v.side);
    expect(new Set(sides)).toEqual(new Set(['monolith', 'candidate']));
  });

  it('shows the bill beside latency, the prices with their sources, the link profiles with theirs, and the machine', () => {
    expect(text).toContain('Δ $ / M orders');
    expect(text).toMatch(/\$ \/ M orders/);
    for (const k of ['vcpuHour', 'gbHour', 'interZonePerGB'] as const) expect(html).toContain(`href="${advise.config.prices[k].url}"`);
    for (const s of advise.config.links.find((l) => l.name === 'cross-az')!.sources) expect(html).toContain(`href="${s.url}"`);
    expect(text).toMatch(/2 ± 1 ms on \d+ proxies/);
    expect(text).toContain(`${advise.environment.cores} × ${advise.environment.cpuModel}`);
    expect(text).toContain(advise.config.precision.slice(0, 60));
  });

  it('is written as reports/<run-id>/index.html and listed with the runs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'advise-page-'));
    const file = generateAdvisePage(FIXTURE, dir);
    expect(file).toBe(path.join(dir, 'fixture-advise', 'index.html'));
    expect(fs.readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('href="fixture-advise/index.html"');
  });
});

describe('reading advise.json', () => {
  const write = (data: unknown) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'advise-file-')), 'advise.json');
    fs.writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
    return file;
  };
  it('names the file and the field, and what was expected', () => {
    const raw = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    expect(() => readAdvise(write({ ...raw, schemaVersion: 9 }))).toThrow(/advise\.json: schemaVersion: expected 1, got 9/);
    expect(() => readAdvise(write({ ...raw, cells: [{ ...raw.cells[0], role: 'boss' }] }))).toThrow(/cells\[0\]: expected \{wiring, link, role: monolith\|candidate\|ladder/);
    expect(() => readAdvise(write({ ...raw, ladders: 3 }))).toThrow(/ladders: expected a list of \{link, steps\}/);
    expect(() => readAdvise(write('{'))).toThrow(RunFileError);
    expect(() => readAdvise('/nonexistent/advise.json')).toThrow(/no such file \(expected an advise\.json written by npm run advise/);
  });
});
