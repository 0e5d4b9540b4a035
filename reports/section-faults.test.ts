// The "Under faults" section on the synthetic fixture with faults added to two cells (made-up numbers,
// never a measurement): absent without faults, the table rows, the shaded windows, skipped faults with
// their reason, and a checkout placed after the client saw it fail flagged as broken.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { faultWindows, timeline, type FaultSpan, type RequestRecord } from '../results/fault-windows.js';
import { readRun } from '../results/run-file.js';
import type { FaultsResult, RunResult } from '../results/run.js';
import { runPage } from './run-page.js';
import { faultsSection } from './section-faults.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixture.run.json');
const DURATION_S = 20; // the fixture scenario's

/** 10 req/s at 5 ms; seconds in [from, to) half failing at 10× the latency. */
function records(from: number, to: number): RequestRecord[] {
  return Array.from({ length: DURATION_S * 10 }, (_, n) => {
    const s = Math.floor(n / 10);
    const faulty = s >= from && s < to;
    return { atMs: n * 100, latencyMs: faulty ? 50 : 5, ok: !(faulty && n % 2), ...(faulty && n % 2 ? { error: 'timeout' } : {}), attempts: faulty ? 2 : 1 };
  });
}

const SKIP_REASON = 'monolith is one process: no link between commerce and logistics to fault <script>';

function faults(spans: FaultSpan[], faultyTo: number, over: Partial<FaultsResult> = {}): FaultsResult {
  const rs = records(5, faultyTo);
  return {
    windows: faultWindows(rs, spans, DURATION_S), timeline: timeline(rs, DURATION_S),
    clientRetries: 25, serviceRetries: 7, retriesRefused: 2, failedCheckouts: 25, failedButPlaced: 0,
    proxy: { probes: 400, directUs: { p50: 40, p99: 90 }, proxiedUs: { p50: 95, p99: 210 }, addedUs: { p50: 55, p99: 120 } },
    ...over,
  };
}

const partition = (over: Partial<FaultSpan> = {}): FaultSpan => ({
  kind: 'partition', target: 'commerce→logistics', atS: 5, durationS: 4,
  appliedTo: ['checkout→warehouse', 'checkout→shipping', 'checkout→location', 'warehouse→checkout', 'shipping→checkout'], ...over,
});

const KILL = (atS: number): FaultSpan => ({ kind: 'kill', target: 'payment', atS, durationS: 0, appliedTo: ['process payment'], restartMs: 820 });

/** The fixture with faults on monolith trial 1 (its partition skipped, its kill harmless) and services/grpc trial 1 (which never recovers). */
function withFaults(change: (run: RunResult) => void = () => {}): RunResult {
  const run = readRun(FIXTURE);
  const cell = (wiring: string) => run.cells.find((c) => c.wiring === wiring && c.trial === 1)!;
  cell('monolith').faults = faults([partition({ appliedTo: [], skipped: SKIP_REASON }), KILL(12)], 5);
  cell('services/grpc').faults = faults([partition(), KILL(15)], DURATION_S);
  change(run);
  return run;
}

const sectionOf = (html: string) => html.match(/<section id="faults">(.*?)<\/section>/s)?.[1];
const rowsOf = (html: string, wiring: string) => [...html.matchAll(new RegExp(`<tr><th scope="row">${wiring.replace(/[/()]/g, '\\$&')}</th>.*?</tr>`, 'gs'))].map((m) => m[0]);

describe('the "Under faults" section', () => {
  it('is absent from a run without faults', () => {
    const run = readRun(FIXTURE);
    expect(faultsSection(run)).toBeUndefined();
    const page = runPage(run, 'x');
    expect(page.html).not.toContain('<section id="faults">');
    expect(page.charts.map((c) => c.id).filter((id) => id.startsWith('chart-faults'))).toEqual([]);
  });

  it('comes after the latency sections, lettered so the numbered sections keep their numbers', () => {
    const page = runPage(withFaults(), 'x');
    const ids = [...page.html.matchAll(/<section id="([a-z]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(['verdict', 'cost', 'events', 'spectrum', 'load', 'faults', 'boundaries', 'estimates', 'tail', 'method']);
    expect(page.html).toContain('<h2>4b. Under faults</h2>');
    expect(page.html).toContain('<h2>5. Where the time goes');
    // Offline: no script or stylesheet from elsewhere, no address in the section.
    expect(page.html).not.toMatch(/<script\b[^>]*\bsrc=|<link\b[^>]*\bhref=/i);
    expect(sectionOf(page.html)).not.toMatch(/(?:https?:)?\/\/[a-z]/i);
  });

  it('has one row per wiring × fault, with error rates before / during / after, recovery and restart', () => {
    const html = sectionOf(runPage(withFaults(), 'x').html)!;
    expect(html).toContain('Toxiproxy proxies on every remote boundary');
    const grpc = rowsOf(html, 'services/grpc (trial 1)');
    // The fault table's two rows, then the row of what the cell kept.
    expect(grpc).toHaveLength(3);
    expect(grpc[0]).toContain('partition commerce→logistics<span class="ratio">at 5 s for 4 s</span>');
    expect(grpc[0]).toContain('5: checkout→warehouse, checkout→shipping, checkout→location + 2 more');
    expect(grpc[0]).toContain('0 % / 50 % / 50 %<span class="ratio">of 50 / 40 / 60 requests</span>');
    expect(grpc[0]).toContain('<span class="ratio" style="white-space: normal">during: timeout 20</span>');
    expect(grpc[0]).toContain('<td>5 / 50 / 50 ms</td><td>5 / 50 / 50 ms</td>');
    expect(grpc[0]).toContain('not within the run');
    expect(grpc[1]).toContain('kill payment');
    expect(grpc[1]).toContain('1: process payment');
    expect(grpc[1]).toContain('<td>820 ms</td>');
    expect(grpc[2]).toContain('<td>25</td><td>7 (2 refused)</td><td>25</td><td>0</td>');
    expect(grpc[2]).toContain('OK');
    expect(rowsOf(html, 'monolith (trial 1)')[1]).toContain('<td>0 s</td><td>820 ms</td>');
    expect(html).toContain('proxy with no toxic: +55 µs p50, +120 µs p99 per round trip (400 probes)');
    expect(html).not.toContain('class="banner bad"');
  });

  it('shows a skipped fault with its reason, escaped, and no recovery', () => {
    const html = sectionOf(runPage(withFaults(), 'x').html)!;
    const [row] = rowsOf(html, 'monolith (trial 1)');
    expect(row).toContain(`skipped: ${SKIP_REASON.replace('<', '&lt;').replace('>', '&gt;')}`);
    expect(row).not.toContain('<script>');
    expect(row).toMatch(/<td>—<\/td><td>—<\/td><\/tr>$/); // recovery and restart
  });

  it('draws a timeline per faulted cell: two panels, the applied faults shaded as rects, skipped ones not', () => {
    const section = faultsSection(withFaults())!;
    expect(section.charts.map((c) => c.id)).toEqual(['chart-faults-monolith-t1', 'chart-faults-services-grpc-t1']);
    type Layer = { mark: { type: string }; data: { values: Record<string, unknown>[] } };
    const layers = (id: string, panel: number) => (section.charts.find((c) => c.id === id)!.spec as unknown as { vconcat: { layer: Layer[] }[] }).vconcat[panel].layer;
    for (const panel of [0, 1]) {
      const rect = layers('chart-faults-services-grpc-t1', panel).find((l) => l.mark.type === 'rect')!;
      expect(rect.data.values).toEqual([
        expect.objectContaining({ fault: 'partition commerce→logistics', startS: 5, endS: 9 }),
        expect.objectContaining({ fault: 'kill payment', startS: 15, endS: 15.82 }),
      ]);
    }
    expect(layers('chart-faults-monolith-t1', 0).find((l) => l.mark.type === 'rect')!.data.values).toEqual([expect.objectContaining({ fault: 'kill payment', startS: 12 })]);
    const bars = layers('chart-faults-services-grpc-t1', 0).find((l) => l.mark.type === 'bar')!.data.values;
    expect(bars.filter((b) => b.tS === 6)).toEqual([expect.objectContaining({ requests: 10, failed: 5, retried: 10, p99Ms: 50, errorKinds: 'timeout 5' })]);
    for (const chart of section.charts) {
      const warnings: string[] = [];
      const logger = { level() { return this; }, warn: (...m: unknown[]) => { warnings.push(m.join(' ')); return this; }, info() { return this; }, debug() { return this; }, error: (...m: unknown[]) => { throw new Error(m.join(' ')); } };
      expect(compile(chart.spec, { logger: logger as never }).spec.marks?.length, chart.id).toBeGreaterThan(0);
      expect(warnings, chart.id).toEqual([]);
    }
  });

  it('flags a checkout placed after the client saw it fail as a broken guarantee, in the section and at the top', () => {
    const run = withFaults((r) => { r.cells.find((c) => c.wiring === 'services/grpc' && c.trial === 1)!.faults!.failedButPlaced = 2; });
    const page = runPage(run, 'x').html;
    const html = sectionOf(page)!;
    expect(html).toMatch(/^<h2>[^<]*<\/h2><div class="banner bad" role="alert">BROKEN guarantee: .*services\/grpc \(trial 1\): 2 of 25 checkouts the client saw fail have an order/);
    expect(rowsOf(html, 'services/grpc (trial 1)')[2]).toContain('<strong style="color: var(--bad)">2 BROKEN</strong>');
    const top = page.indexOf('BROKEN guarantee under faults');
    expect(top).toBeGreaterThan(-1);
    expect(top).toBeLessThan(page.indexOf('<section id="verdict">'));
  });

  it('shows the cell\'s broken invariants in red', () => {
    const run = withFaults((r) => {
      const c = r.cells.find((x) => x.wiring === 'services/grpc' && x.trial === 1)!;
      c.invariants = { ...c.invariants, ok: false, checks: [{ name: 'one authorized payment per order', ok: false, detail: '1 of 480 orders violate it' }] };
    });
    const [, , kept] = rowsOf(sectionOf(runPage(run, 'x').html)!, 'services/grpc (trial 1)');
    expect(kept).toContain('<strong style="color: var(--bad)">BROKEN: one authorized payment per order: 1 of 480 orders violate it</strong>');
  });

  it('draws the first trial of each wiring only when many cells ran under faults', () => {
    const run = withFaults((r) => { for (const c of r.cells) c.faults ??= faults([partition()], 9); });
    const section = faultsSection(run)!;
    expect(section.charts).toHaveLength(5);
    expect(section.charts.every((c) => c.id.endsWith('-t1'))).toBe(true);
    expect(section.html).toContain('Timelines of the first trial of each wiring');
  });
});
