// The report generator on the synthetic fixture (reports/fixture.run.json: made-up numbers, never a
// measurement): valid Vega-Lite, no external fetch, every section in order, figures derived as stated,
// and bad input refused with the file named.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type TopLevelSpec } from 'vega-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { readRun, RunFileError } from '../results/run-file.js';
import type { RunResult } from '../results/run.js';
import { FLOOR_GOAL, floorRatios, onCheckoutPath } from './boundary.js';
import { ESTIMATES_ARTICLE } from './estimates.js';
import { median } from './format.js';
import { generateReports } from './generate.js';
import { esc } from './html.js';
import { runPage } from './run-page.js';
import { spectrum } from './spectrum.js';
import { tailRows } from './tail-amplification.js';
import { verdicts } from './verdict.js';
import { loadPrices } from '../scenarios/prices.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixture.run.json');
const fixture = (): RunResult => readRun(FIXTURE);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-report-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes a variant of the fixture as <dir>/<name>/run.json and returns that directory. */
function variant(name: string, change: (run: RunResult) => void): string {
  const run = fixture();
  change(run);
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  fs.writeFileSync(path.join(dir, name, 'run.json'), JSON.stringify(run));
  return path.join(dir, name);
}

/** Every way an HTML page could make the browser fetch something over the network. */
function externalFetches(html: string): string[] {
  const patterns = [
    /<script\b[^>]*\bsrc\s*=/gi, /<link\b[^>]*\bhref\s*=/gi, /<iframe\b/gi,
    /\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\/[^\s"'>]*/gi,
    /\bfetch\s*\(\s*["'`](?:https?:)?\/\/[^"'`]*/gi, /\bimport\s*\(\s*["'`](?:https?:)?\/\/[^"'`]*/gi,
    /\bimport\s+[^;]*?from\s*["'`](?:https?:)?\/\/[^"'`]*/gi, /url\(\s*["']?(?:https?:)?\/\/[^)]*\)/gi, /@import\s+["']?(?:url\()?\s*["']?(?:https?:)?\/\//gi,
  ];
  return patterns.flatMap((p) => html.match(p) ?? []);
}

describe('externalFetches', () => {
  it('finds every kind of network reference a page could make', () => {
    const page = '<script src="https://cdn.example/vega.js"></script><link rel="stylesheet" href="//cdn.example/x.css"><img src="http://x/y.png">' +
      '<script>fetch("https://api.example/data"); import("https://esm.example/m.js");</script><style>body { background: url(https://x/bg.png) }</style>';
    const found = externalFetches(page).join(' ');
    for (const url of ['cdn.example/vega.js', '//cdn.example/x.css', 'http://x/y.png', 'api.example/data', 'esm.example/m.js', 'x/bg.png']) expect(found).toContain(url);
    expect(externalFetches('<svg xmlns="http://www.w3.org/2000/svg"></svg><p>see https://vega.github.io</p>')).toEqual([]);
  });
});

describe('report page from the fixture', () => {
  const page = runPage(fixture(), 'reports/fixture.run.json');

  it('has one chart per figure it promises, each a Vega-Lite spec that compiles without a warning', () => {
    expect(page.charts.map((c) => c.id)).toEqual(['chart-spectrum-checkout', 'chart-spectrum-browse', 'chart-spectrum-all', 'chart-sweep', 'chart-boundaries', 'chart-estimates', 'chart-tail']);
    for (const chart of page.charts) {
      const warnings: string[] = [];
      const logger = { level() { return this; }, warn: (...m: unknown[]) => { warnings.push(m.join(' ')); return this; }, info() { return this; }, debug() { return this; }, error: (...m: unknown[]) => { throw new Error(m.join(' ')); } };
      const compiled = compile(chart.spec, { logger: logger as never });
      expect(compiled.spec.marks?.length, chart.id).toBeGreaterThan(0);
      expect(warnings, chart.id).toEqual([]);
    }
  });

  it('gives every chart a title, axis titles with units and tooltips', () => {
    for (const { id, spec } of page.charts) {
      expect((spec as { title?: { text?: string } }).title?.text, id).toBeTruthy();
      const units = [spec, ...((spec as { layer?: TopLevelSpec[] }).layer ?? [])].map((s) => (s as { encoding?: Record<string, { title?: unknown; tooltip?: unknown }> }).encoding ?? {});
      const axisTitles = units.flatMap((e) => [e.x?.title, e.y?.title]).filter(Boolean).map((t) => [t].flat().join(' '));
      expect(axisTitles.length, id).toBeGreaterThanOrEqual(2);
      const quantitative = axisTitles.filter((t) => !['wiring', 'call'].includes(t));
      for (const t of quantitative) expect(t, `${id}: axis "${t}" says its unit`).toMatch(/\((?:ms|µs|req\/s|%|×)|\b(?:ms|percentile|log scale)\b/);
      expect(units.some((e) => e.tooltip !== undefined), `${id} has tooltips`).toBe(true);
    }
  });

  it('prices each wiring beside its latency when the run carries a price table, and says how', () => {
    expect(page.html).not.toContain('$ per million orders'); // the fixture predates the bill: no column of dashes
    const run = fixture();
    run.config.prices = loadPrices();
    run.cells.forEach((c, i) => { c.bill = { usdPerMillionOrders: c.wiring === 'monolith' ? 0.5 : 1 + i / 100, ordersPerS: 10, parts: null, billedVcpu: 1, billedGb: 1 }; });
    const cost = runPage(run, 'x').html.match(/<section id="cost">(.*?)<\/section>/s)![1];
    expect(cost).toContain('<th scope="col">$ per million orders</th>');
    expect(cost).toMatch(/\$0\.50<span class="ratio">baseline/);
    expect(cost).toMatch(/\$1\.\d\d<span class="ratio">[\d.]+× monolith<\/span><span class="ratio">\[[\d.]+–[\d.]+×\]<\/span>/);
    expect(cost).toContain('never below 0.25 vCPU / 0.5 GB');
  });

  it('fetches nothing from the network: libraries and data are inside the file', () => {
    expect(externalFetches(page.html)).toEqual([]);
    expect(page.html).toContain('vegaEmbed');
    expect(page.html).not.toMatch(/<script\b[^>]*\bsrc=/i);
  });

  it('has the eight sections in order, the estimates labelled as quoted estimates', () => {
    const ids = [...page.html.matchAll(/<section id="([a-z]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(['verdict', 'cost', 'events', 'spectrum', 'load', 'boundaries', 'estimates', 'tail', 'method']);
    expect(page.html).toContain('Estimates, not measurements');
    expect(page.html).toContain('“100–500 µs”');
    // The source is the article itself, cited so a reader can find it without this repository.
    const note = page.html.match(/<section id="estimates">.*?<p class="note">(Estimates, not measurements[^<]*)<\/p>/s)![1];
    for (const part of Object.values(ESTIMATES_ARTICLE)) expect(note).toContain(esc(part));
    expect(page.html).toContain('SYNTHETIC TEST DATA');
    expect(page.html.indexOf('Synthetic test data</strong>')).toBeLessThan(page.html.indexOf('<section id="verdict">'));
  });

  it('shows commit → consumed per wiring and subscriber, and says where the relay fell behind', () => {
    const section = page.html.match(/<section id="events">(.*?)<\/section>/s)![1];
    for (const s of ['notification', 'analytics', 'loyalty', 'customer', 'fulfillment']) expect(section).toContain(`<th scope="col">${s}</th>`);
    // The fixture's monolith saturation window ends with 3.5 s of arrivals undelivered; every other window with 0.02 s.
    const behind = [...section.matchAll(/<li>([^<]*fell behind[^<]*)<\/li>/g)].map((m) => m[1]);
    expect(behind).toHaveLength(1);
    expect(behind[0]).toMatch(/^monolith \(saturation [\d,]+\/s\): the relay fell behind — [\d,]+ of the window's [\d,]+ events were still undelivered/);
    expect(section).toContain("database servers' clocks");
    expect(section).toMatch(/Relay capacity.*services\/grpc/s);
  });

  it('states a verdict per workflow, every ratio with its interval and the interval\'s method', () => {
    const vs = verdicts(fixture());
    expect(vs.map((v) => v.topic)).toEqual(['checkout', 'browse', 'max throughput']);
    expect(vs[0].text).toMatch(/^checkout: services\/grpc's p99 is [\d.]+× \[[\d.]+–[\d.]+×\] the monolith's \([\d.,]+ ms vs [\d.,]+ ms\) at 60 req\/s, and its CPU per request \(whole mix\) is [\d.]+× \[[\d.]+–[\d.]+×\] the monolith's; the closest to the monolith, domains\/http: p99 is [\d.]+× \[[\d.]+–[\d.]+×\]/);
    expect(vs[0].text).toMatch(/p99 pooled over 2 trial\(s\), 90 % intervals: paired rounds, Student's t over 2 rounds\.$/);
    // services/grpc kept 55 of 60 req/s in the fixture: the sentence must say so.
    expect(vs[0].text).toContain('services/grpc kept only 55 of 60 req/s');
    // Fixture saturation: 900 req/s for the monolith, 900/√21 = 196 for services/*; one run each, so rates and no ratio.
    expect(vs[2].text).toMatch(/^max throughput \(closed model, 32 in flight, one run per wiring, so no interval and no ratio stated\): the monolith 900 req\/s, the lowest split services\/http 196 req\/s, the highest domains\/(?:http|grpc) 367 req\/s\.$/);
    expect(vs[2].text).not.toMatch(/\d×/);
  });

  it('never states a ratio whose interval holds 1 as a difference', () => {
    const run = fixture();
    // domains/http answers as the monolith did in the other round: pooled ratio 1, the rounds' ratios r and 1/r.
    const mono = run.cells.filter((c) => c.wiring === 'monolith');
    for (const c of run.cells.filter((x) => x.wiring === 'domains/http')) {
      const other = mono.find((m) => m.trial !== c.trial)!;
      c.driver = structuredClone(other.driver);
      c.cost = structuredClone(other.cost);
    }
    const text = verdicts(run)[0].text;
    expect(text).toMatch(/the closest to the monolith, domains\/http: p99 shows no difference this run can resolve \[[\d.]+–[\d.]+×\]/);
    expect(text).toMatch(/CPU shows no difference this run can resolve \[[\d.]+–[\d.]+×\]/);
    const cost = runPage(run, 'x').html.match(/<section id="cost">(.*?)<\/section>/s)![1];
    expect(cost).toMatch(/1× monolith<\/span><span class="ratio">\[[\d.]+–[\d.]+×\]<\/span>/);
  });

  it('one trial per wiring: no interval, so no difference claimed', () => {
    const run = fixture();
    run.cells = run.cells.filter((c) => c.trial === 1);
    const text = verdicts(run)[0].text;
    expect(text).toMatch(/^checkout: services\/\w+'s p99 shows no difference this run can resolve \[no interval: one trial\]/);
    expect(text).not.toMatch(/ is [\d.]+×/);
  });
});

describe('figures derived from the run', () => {
  it('spectrum: nines ascend from p0 and end at the maximum, latency never falls', () => {
    const points = spectrum(fixture(), 'checkout').filter((p) => p.wiring === 'monolith');
    expect(points[0]).toMatchObject({ nines: 0, percentile: 'p0' });
    expect(points.at(-1)!.percentile).toBe('max');
    expect(points.at(-1)!.requests).toBe(800); // two trials of 400 checkouts pooled
    for (let i = 1; i < points.length; i++) {
      expect(points[i].nines).toBeGreaterThan(points[i - 1].nines);
      expect(points[i].latencyMs).toBeGreaterThanOrEqual(points[i - 1].latencyMs);
    }
  });

  it('tail amplification: measured share from the per-request counts, predicted 1 − 0.99^k per request', () => {
    const row = tailRows(fixture()).find((r) => r.wiring === 'services/grpc')!;
    // Fixture: per trial 400 requests, 380 with 11 calls and 20 with 12; 372 with no slow call, 22 with one, 6 with two.
    expect(row.hops).toBe(11);
    expect(row.measured!.requests).toBe(800);
    expect(row.measured!.share).toBeCloseTo(1 - 372 / 400, 10);
    expect(row.predicted).toBeCloseTo((380 * (1 - 0.99 ** 11) + 20 * (1 - 0.99 ** 12)) / 400, 10);
    expect(row.measured!.slowCallShare).toBeCloseTo((22 + 2 * 6) / (380 * 11 + 20 * 12), 10);
    expect(tailRows(fixture()).map((r) => r.wiring)).not.toContain('monolith');
  });

  it('tail amplification without per-request records: the prediction alone, k from the checkout-path edges', () => {
    const run = fixture();
    for (const c of run.cells) delete c.tail;
    const row = tailRows(run).find((r) => r.wiring === 'domains/http')!;
    expect(row).toEqual({ wiring: 'domains/http', hops: 9, predicted: 1 - 0.99 ** 9 });
    const html = runPage(run, 'x').html;
    expect(html).toContain('No per-request call records');
    expect(html).not.toContain('id="chart-tail"');
  });
});

describe('the kit\'s own cost against a bare chain', () => {
  const section = (run: RunResult) => runPage(run, 'x').html.match(/<section id="boundaries">(.*?)<\/section>/s)![1];

  it('divides each remote wiring\'s per-hop overhead p50 (checkout path, median over trials) by the bare chain\'s at the same placement and transport', () => {
    const run = fixture();
    const rows = floorRatios(run);
    expect(rows.map((r) => r.floor.wiring)).toEqual(['domains/http', 'domains/grpc', 'services/http', 'services/grpc']);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const r of rows) {
      const byEdge = new Map<string, number[]>();
      for (const c of run.cells.filter((x) => x.wiring === r.floor.wiring)) {
        for (const e of c.edges.filter(onCheckoutPath)) byEdge.set(`${e.from}>${e.to}`, [...(byEdge.get(`${e.from}>${e.to}`) ?? []), e.overheadUs.p50]);
      }
      expect(r.hops, r.floor.wiring).toBe(r.floor.remoteHops);
      expect(r.ratio, r.floor.wiring).toBeCloseTo(mean([...byEdge.values()].map((v) => median(v)!)) / mean(r.floor.edges.map((e) => e.overheadUs.p50)), 2);
    }
    // Fixture: the chain's overheads are the wiring's ÷ 4, 1.1, 5 and 2.5.
    expect(rows.map((r) => (r.ratio! <= FLOOR_GOAL ? 'within' : 'over'))).toEqual(['over', 'within', 'over', 'over']);
    const html = section(run);
    expect(html).toContain(`goal ≤ ${FLOOR_GOAL}×`);
    expect(html.match(/within the goal/g)).toHaveLength(1);
    expect(html.match(/over the goal/g)).toHaveLength(3);
    expect(html).toMatch(/<th scope="row">services\/grpc<\/th><td>21<\/td><td>11<\/td>/);
    expect(html).toContain('Method: beside each remote wiring, a bare chain');
  });

  it('takes the bare chain\'s per-hop overhead as the median over its trials, as the wiring\'s', () => {
    const run = fixture();
    const first = run.floor![0];
    const at = (p50: number) => ({ ...first, perHopOverheadUs: { p50, p99: p50 * 3 }, warnings: [`run at ${p50}`] });
    run.floor = [at(300), ...run.floor!.slice(1), at(100), at(200)];
    const row = floorRatios(run).find((r) => r.floor.wiring === first.wiring)!;
    expect(row.trials).toBe(3);
    expect(row.floor.perHopOverheadUs).toEqual({ p50: 200, p99: 600 });
    expect(row.floor.warnings).toEqual(['run at 300', 'run at 100', 'run at 200']);
    expect(row.ratio).toBeCloseTo(row.kitUs!.p50 / 200, 6);
  });

  it('gives no ratio where the chain and the wiring did not cross the same hops', () => {
    const run = fixture();
    run.floor![0].remoteHops = 11;
    expect(floorRatios(run)[0].ratio).toBeUndefined();
    expect(section(run)).toContain('9 vs 11 <span class="ratio">not the same path</span>');
  });

  it('reads a run without a floor (older run.json) and says how to get one', () => {
    const run = readRun(variant('no-floor', (r) => { delete r.floor; }));
    expect(floorRatios(run)).toEqual([]);
    expect(section(run)).toContain('This run has no bare-chain floor: <code>npm run bench -- --floor</code>');
  });
});

describe('what the page must say plainly', () => {
  it('a run without a sweep says so in that section instead of a chart', () => {
    const run = fixture();
    delete run.sweep;
    const page = runPage(run, 'x');
    expect(page.charts.map((c) => c.id)).not.toContain('chart-sweep');
    expect(page.html).toMatch(/<section id="load">.*This run has no latency-vs-load sweep/s);
  });

  it('a cell with over 1 % of its sends dropped or timed out shows its percentiles as lower bounds', () => {
    const run = fixture();
    const wiring = run.cells.find((c) => c.wiring !== 'monolith')!.wiring;
    for (const c of run.cells.filter((x) => x.wiring !== 'monolith')) {
      for (const w of c.driver.workflows) { w.errors = { ...w.errors, dropped: Math.ceil(w.ok * 0.05) }; delete w.lowerBound; }
    }
    const html = runPage(run, 'x').html;
    const costSection = html.slice(html.indexOf('<section id="cost">'), html.indexOf('</section>', html.indexOf('<section id="cost">')));
    const rowOf = (w: string) => costSection.match(new RegExp(`<tr><th scope="row">${w.replace('/', '\\/')}</th>.*?</tr>`, 's'))?.[0] ?? '';
    expect(rowOf(wiring)).toMatch(/≥ [\d.,]+ ms/);
    expect(rowOf('monolith')).not.toContain('≥');
    expect(verdicts(run).map((v) => v.text).join(' ')).toMatch(new RegExp(`≥ [\\d.,]+ ms`));
  });

  it('a run with broken invariants is flagged in red before the verdict', () => {
    const run = fixture();
    run.cells[3].invariants = { ...run.cells[3].invariants, ok: false, checks: [{ name: 'one authorized payment per order', ok: false, detail: '2 of 480 orders violate it' }] };
    const html = runPage(run, 'x').html;
    const banner = html.indexOf('class="banner bad"');
    expect(banner).toBeGreaterThan(-1);
    expect(banner).toBeLessThan(html.indexOf('<section id="verdict">'));
    expect(html).toContain(`${run.cells[3].wiring} (trial ${run.cells[3].trial}): one authorized payment per order`);
  });

  it('the red flag names the failed check and its example, for a saturation run too', () => {
    const run = fixture();
    const detail = '3 of 10000 SKUs violate it, e.g. SKU-000500: 0+2+0≠1';
    run.saturation![1].invariants = { ...run.saturation![1].invariants, ok: false, checks: [{ name: 'stock conserved (on hand + reserved + sold = seeded)', ok: false, detail }] };
    const html = runPage(run, 'x').html;
    const banner = html.slice(html.indexOf('class="banner bad"'), html.indexOf('</div>', html.indexOf('class="banner bad"')));
    expect(banner).toContain(`${run.saturation![1].wiring} after its saturation run: stock conserved (on hand + reserved + sold = seeded): 3 of 10000 SKUs violate it, e.g. SKU-000500: 0+2+0≠1`);
    expect(html).toMatch(/<h3>Broken invariants<\/h3>.*after its saturation run: stock conserved/s);
  });

  it('a relay that was behind is a warning, not a broken run', () => {
    const run = fixture();
    run.cells[0].invariants = { ...run.cells[0].invariants, outbox: { state: 'behind', undelivered: 120, waitedS: 120, drainRatePerS: 35 } };
    const html = runPage(run, 'x').html;
    expect(html).not.toContain('class="banner bad"');
    expect(html).toContain(`${run.cells[0].wiring} (trial ${run.cells[0].trial}): relay behind: 120 of ${run.cells[0].invariants.events} events undelivered after waiting 120 s, draining at 35.0 events/s`);
  });
});

describe('generateReports', () => {
  it('writes a page per run, a comparison page for several, and the listing of every report', () => {
    const out = path.join(dir, 'out');
    const other = variant('other-run', (r) => { r.runId = 'fixture-synthetic-2'; r.environment.startedAt = '2000-01-02T00:00:00.000Z'; });
    const written = generateReports([FIXTURE, other], out);
    expect(written.runPages).toEqual([path.join(out, 'fixture-synthetic', 'index.html'), path.join(out, 'fixture-synthetic-2', 'index.html')]);
    expect(written.comparison).toBe(path.join(out, 'compare', 'index.html'));
    const comparison = fs.readFileSync(written.comparison!, 'utf8');
    expect(comparison).toContain('href="../fixture-synthetic/index.html"');
    expect(externalFetches(comparison)).toEqual([]);
    const listing = fs.readFileSync(written.listing, 'utf8');
    expect(listing.indexOf('fixture-synthetic-2/index.html')).toBeLessThan(listing.indexOf('"fixture-synthetic/index.html'));
    expect(listing).toContain('href="compare/index.html"');
    expect(externalFetches(listing)).toEqual([]);
  });

  const refused = (input: string, ...parts: string[]) => {
    let error: unknown;
    try { generateReports([input], path.join(dir, 'refused')); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(RunFileError);
    for (const part of parts) expect((error as Error).message).toContain(part);
    expect(fs.existsSync(path.join(dir, 'refused'))).toBe(false);
  };

  it('refuses a missing run.json, naming it', () => refused(path.join(dir, 'absent'), `${path.join(dir, 'absent')}: no such file`));
  it('refuses malformed JSON, naming the file', () => {
    fs.mkdirSync(path.join(dir, 'malformed'));
    fs.writeFileSync(path.join(dir, 'malformed', 'run.json'), '{"schemaVersion": 1, "runId": ');
    refused(path.join(dir, 'malformed'), path.join(dir, 'malformed', 'run.json'), 'not valid JSON');
  });
  it('refuses an unknown schema version, naming the file', () => {
    refused(variant('v2', (r) => { (r as { schemaVersion: number }).schemaVersion = 3; }), path.join(dir, 'v2', 'run.json'), 'schemaVersion: expected 2, got 3');
  });
  it('refuses a run id that cannot name a folder', () => {
    refused(variant('escape', (r) => { r.runId = '../../etc'; }), path.join(dir, 'escape', 'run.json'), 'runId');
  });
  it('refuses a histogram it cannot decode, naming file and field', () => {
    refused(variant('bad-histogram', (r) => { r.cells[1].driver.workflows[0].histogram = 'not base64!'; }),
      path.join(dir, 'bad-histogram', 'run.json'), 'cells[1].driver.workflows[0].histogram');
  });
});
