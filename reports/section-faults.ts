// Section 4b: the run under faults. Per wiring, second by second, how many requests went out, how many
// finally failed and their p99, with each fault's window shaded; then per fault what it hit and what it
// cost before, during and after, and per wiring what the system kept: no checkout the client saw fail
// may have been placed anyway.
import type { TopLevelSpec } from 'vega-lite';
import { describeInvariants } from '../targets/db/invariant-report.js';
import { faultEndS, RECOVERED_ERROR_RATE_SLACK, RECOVERED_P99_RATIO } from '../results/fault-windows.js';
import type { Cell, FaultsResult, FaultWindowResult, ProxyCost, RunResult, WindowStats } from '../results/run.js';
import { MISSING, ms, num, percent, us } from './format.js';
import { esc, figure, table, type Chart, type Row } from './html.js';
import type { Section } from './section.js';
import { wiringsOf } from './summary.js';

type FaultCell = Cell & { faults: FaultsResult };

const SENT = 'requests sent';
const FAILED = 'finally failed (after retries)';

/** More cells than this: one timeline per wiring (its first trial), or the page becomes a wall of charts. */
const MAX_TIMELINES = 6;
/** Names listed in "applied to" before the rest are only counted. */
const NAMES_SHOWN = 3;

const METHOD = 'Method: each fault is applied by Toxiproxy proxies on every remote boundary of the wiring (process → process, and each process → its domain\'s Postgres), ' +
  'or by SIGKILL of the process hosting the service and a restart as an orchestrator would do; the timeline is by intended send time (a request counts in the second its first attempt was due), ' +
  'and an outcome is what the client finally saw after its own retries, sent again with the same idempotency key; ' +
  `recovery is the first second back within 10 % of before (p99 ≤ ${RECOVERED_P99_RATIO} × before's p99, error rate ≤ before's + ${num(RECOVERED_ERROR_RATE_SLACK * 100)} percentage point).`;

const WINDOWS_NOTE = 'Before: from the end of the previous fault that ran (or the start of the measured phase) to this fault\'s start; during: from its start to its end (a kill: until the restarted process was ready); ' +
  'after: from its end to the next fault\'s start (or the end of the phase). Error rate = requests that finally failed ÷ requests sent in the window (a dropped send is a failure, with no latency); ' +
  'p50 / p99 over the requests that had a latency (timeouts at their timeout; a refused connection has none). ' +
  'Recovery counts whole seconds from the first second after the fault\'s end (0: that second already was back); a second with no request does not count, and without a before there is nothing to be back to. ' +
  'A skipped fault did not apply to this wiring: its windows are measured all the same, to show that nothing happened.';

const faultCells = (run: RunResult): FaultCell[] => run.cells.filter((c): c is FaultCell => c.faults !== undefined);

/** The fault cells in the page's wiring order, trials ascending. */
function ordered(run: RunResult): FaultCell[] {
  const wirings = wiringsOf(run);
  return faultCells(run).sort((a, b) => wirings.indexOf(a.wiring) - wirings.indexOf(b.wiring) || a.trial - b.trial);
}

/** Cells where a checkout the client saw fail has an order anyway: a broken guarantee, whatever the latency. */
export function placedAfterFailure(run: RunResult): string[] {
  const trials = new Set(run.cells.map((c) => c.trial)).size;
  return ordered(run).filter((c) => c.faults.failedButPlaced > 0).map((c) =>
    `${cellName(c, trials)}: ${c.faults.failedButPlaced} of ${c.faults.failedCheckouts} checkouts the client saw fail have an order`);
}

/** The red flag for the top of the page (empty when nothing was placed after a failure). */
export function faultBanner(run: RunResult): string {
  const broken = placedAfterFailure(run);
  return broken.length ? `<div class="banner bad" role="alert">BROKEN guarantee under faults: ${broken.map(esc).join(' · ')}. Details in section 4b.</div>` : '';
}

export function faultsSection(run: RunResult): Section | undefined {
  const cells = ordered(run);
  if (cells.length === 0) return undefined;
  const trials = new Set(run.cells.map((c) => c.trial)).size;
  const charted = cells.length <= MAX_TIMELINES ? cells : cells.filter((c) => c.trial === Math.min(...cells.filter((x) => x.wiring === c.wiring).map((x) => x.trial)));
  const charts: Chart[] = charted.map((c) => ({ id: `chart-faults-${slug(c.wiring)}-t${c.trial}`, spec: timelineChart(c, cellName(c, trials), run.config.scenario.durationS) }));
  const caption = 'Read: top, the requests sent in each second by intended send time (grey line) and those of them that finally failed, after the client\'s retries (red bars); bottom, the p99 of that second\'s answered requests. ' +
    'Shaded: each fault from its start to its end (a kill: until the restarted process was ready), labelled with its kind and target; a fault skipped in this wiring is not shaded.';
  const omitted = charted.length < cells.length ? `<p class="note">Timelines of the first trial of each wiring; every trial's is in run.json (<code>cells[].faults.timeline</code>).</p>` : '';
  const broken = placedAfterFailure(run);
  const banner = broken.length
    ? `<div class="banner bad" role="alert">BROKEN guarantee: a checkout the client was told had failed was placed anyway — ${broken.map(esc).join(' · ')}. ` +
      'A checkout the client saw fail, after its retries with the same idempotency key, must not exist: whatever the latency, these results are not valid.</div>'
    : '';
  const html = banner + `<p>${esc(METHOD)}</p>` + charts.map((c) => figure(c, caption)).join('') + omitted +
    windowsTable(cells, trials) + `<p class="note">${esc(WINDOWS_NOTE)}</p>` + keptTable(cells, trials) + proxyNote(cells, trials);
  return { html, charts };
}

const cellName = (c: Cell, trials: number) => (trials > 1 ? `${c.wiring} (trial ${c.trial})` : c.wiring);
const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
/** Long text in a table cell wraps instead of widening the table (cells do not wrap by default). */
const wrap = (html: string) => `<span style="display: inline-block; white-space: normal; min-width: 8rem; max-width: 13rem; text-align: left">${html}</span>`;
const kinds = (errors: Record<string, number>) => Object.entries(errors).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${num(n)}`).join(', ');

function appliedTo(w: FaultWindowResult): string {
  if (w.skipped !== undefined) return wrap(`skipped: ${esc(w.skipped)}`);
  const shown = w.appliedTo.slice(0, NAMES_SHOWN).map(esc).join(', ');
  const more = w.appliedTo.length > NAMES_SHOWN ? ` + ${w.appliedTo.length - NAMES_SHOWN} more` : '';
  return wrap(`${w.appliedTo.length}: ${shown}${more}`);
}

function recovery(w: FaultWindowResult): string {
  if (w.skipped !== undefined) return MISSING;
  if (w.recoveryS !== null) return `${num(w.recoveryS)} s`;
  return w.before.requests === 0 ? 'no before to compare with' : 'not within the run';
}

/** One percentile before / during / after, in ms once at the end; — for a window without requests. */
const trio = (pick: (s: WindowStats) => number, w: FaultWindowResult) =>
  `${[w.before, w.during, w.after].map((s) => (s.requests ? num(pick(s)) : MISSING)).join(' / ')} ms`;

function windowsTable(cells: FaultCell[], trials: number): string {
  const head = ['wiring', 'fault', 'applied to', 'error rate before / during / after', 'p50 before / during / after', 'p99 before / during / after', 'recovery', 'restart (kill)'];
  const rows: Row[] = cells.flatMap((c) => c.faults.windows.map((w) => [
    esc(cellName(c, trials)),
    `${esc(w.kind)} ${esc(w.target)}<span class="ratio">at ${num(w.atS)} s for ${num(w.durationS)} s</span>`,
    appliedTo(w),
    `${percent(w.before.errorRate)} / ${percent(w.during.errorRate)} / ${percent(w.after.errorRate)}` +
      `<span class="ratio">of ${num(w.before.requests)} / ${num(w.during.requests)} / ${num(w.after.requests)} requests</span>` +
      (Object.keys(w.during.errors).length ? `<span class="ratio" style="white-space: normal">during: ${esc(kinds(w.during.errors))}</span>` : ''),
    trio((s) => s.p50Ms, w), trio((s) => s.p99Ms, w),
    recovery(w),
    w.restartMs === undefined ? MISSING : ms(w.restartMs),
  ]));
  return table(head, rows, 'Each fault: what it hit, and the requests sent before, during and after it');
}

function keptTable(cells: FaultCell[], trials: number): string {
  const head = ['wiring', 'client retries', 'service retries (refused by budget)', 'failed checkouts', 'failed but placed (must be 0)', 'invariants'];
  const rows: Row[] = cells.map((c) => {
    const f = c.faults;
    const invariants = describeInvariants(c.invariants);
    return [
      esc(cellName(c, trials)), num(f.clientRetries), `${num(f.serviceRetries)} (${num(f.retriesRefused)} refused)`, num(f.failedCheckouts),
      f.failedButPlaced > 0 ? `<strong style="color: var(--bad)">${num(f.failedButPlaced)} BROKEN</strong>` : '0',
      c.invariants.ok ? wrap(esc(invariants)) : wrap(`<strong style="color: var(--bad)">${esc(invariants)}</strong>`),
    ];
  });
  return table(head, rows, 'What the system kept: retries, checkouts that finally failed and whether any of them was placed all the same, the invariants after the cell');
}

const signedUs = (x: number) => `${x < 0 ? '−' : '+'}${us(Math.abs(x))}`;
const proxyLine = (p: ProxyCost) => `proxy with no toxic: ${signedUs(p.addedUs.p50)} p50, ${signedUs(p.addedUs.p99)} p99 per round trip (${num(p.probes)} probes)`;

/** What the proxies cost on their own: usually measured once per run, so said once unless the cells differ. */
function proxyNote(cells: FaultCell[], trials: number): string {
  const withProxy = cells.filter((c) => c.faults.proxy);
  if (withProxy.length === 0) return '';
  const lines = new Map(withProxy.map((c) => [c, proxyLine(c.faults.proxy!)]));
  const distinct = new Set(lines.values());
  const said = distinct.size === 1
    ? esc([...distinct][0])
    : [...lines].map(([c, line]) => `${esc(cellName(c, trials))}: ${esc(line)}`).join(' · ');
  return `<p class="note">Every figure above includes the proxies on the wiring's boundaries: ${said}; an echo straight to a server and through one proxy, alternating.</p>`;
}

/** Two panels on one time axis: requests and failures per second above, p99 below; fault windows shaded on both. */
function timelineChart(c: FaultCell, name: string, scenarioS: number): TopLevelSpec {
  const f = c.faults;
  const shaded = f.windows.filter((w) => w.skipped === undefined);
  const durationS = Math.max(scenarioS, f.timeline.length, ...shaded.map(faultEndS));
  const seconds = f.timeline.map((t) => ({
    tS: t.tS, tEnd: t.tS + 1, tMid: t.tS + 0.5, requests: t.requests, failed: t.requests - t.ok, retried: t.retried,
    errorKinds: kinds(t.errors) || 'none', p50Ms: t.p50Ms, p99Ms: t.p99Ms,
  }));
  const windows = shaded.map((w) => ({
    fault: `${w.kind} ${w.target}`, startS: w.atS, endS: faultEndS(w), appliedTo: w.appliedTo.join(', '), recovery: recovery(w),
  }));
  // Every layer of a panel names the same x title (vega-lite would otherwise join the fields' names).
  const x = (field: string, title: string | null) => ({ field, type: 'quantitative', title, scale: { domain: [0, durationS] as number[], nice: false }, axis: { format: '~r', tickMinStep: 1 } }) as const;
  const secondTooltip = [
    { field: 'tS', title: 'second', type: 'quantitative' }, { field: 'requests', title: 'requests sent', type: 'quantitative' },
    { field: 'failed', title: 'finally failed', type: 'quantitative' }, { field: 'errorKinds', title: 'errors' },
    { field: 'retried', title: 'needed a retry', type: 'quantitative' },
    { field: 'p50Ms', title: 'p50 (ms)', type: 'quantitative', format: '.3~r' }, { field: 'p99Ms', title: 'p99 (ms)', type: 'quantitative', format: '.3~r' },
  ] as const;
  const windowTooltip = [
    { field: 'fault', title: 'fault' }, { field: 'startS', title: 'from (s)', type: 'quantitative', format: '.3~r' },
    { field: 'endS', title: 'to (s)', type: 'quantitative', format: '.3~r' }, { field: 'appliedTo', title: 'applied to' }, { field: 'recovery', title: 'recovery' },
  ] as const;
  const shade = (title: string | null) => ({
    data: { values: windows },
    mark: { type: 'rect' as const, color: '#f29900', opacity: 0.22 },
    encoding: { x: x('startS', title), x2: { field: 'endS' }, tooltip: [...windowTooltip] },
  });
  const timeTitle = 'second of the measured phase (s, by intended send time)';
  const series = { domain: [SENT, FAILED], range: ['#5f6368', '#d62728'] };
  return {
    title: { text: `${name} under faults`, subtitle: ['requests, failures and p99 per second, after', 'the client\'s retries; shaded: the faults\' windows'] },
    autosize: { type: 'fit-x', contains: 'padding' },
    vconcat: [
      {
        width: 'container', height: 150,
        layer: [
          shade(null),
          {
            data: { values: seconds },
            mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
            encoding: {
              // Pre-binned: one bar per second, from its start to its end, growing from 0.
              x: { ...x('tS', null), bin: { binned: true, step: 1 } }, x2: { field: 'tEnd' },
              y: { field: 'failed', type: 'quantitative', title: 'requests per second (req/s)' },
              color: { datum: FAILED, scale: series, legend: { orient: 'bottom', direction: 'horizontal' } },
              tooltip: [...secondTooltip],
            },
          },
          {
            data: { values: seconds },
            // A line rather than bars: the fault windows behind it stay visible.
            mark: { type: 'line', interpolate: 'step', strokeWidth: 2, point: { size: 12 } },
            encoding: {
              x: x('tMid', null),
              y: { field: 'requests', type: 'quantitative', title: 'requests per second (req/s)' },
              color: { datum: SENT, scale: series, legend: { orient: 'bottom', direction: 'horizontal' } },
              tooltip: [...secondTooltip],
            },
          },
          {
            data: { values: windows },
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, fontSize: 10, color: '#8a5a00' },
            encoding: { x: x('startS', null), y: { value: 0 }, text: { field: 'fault' } },
          },
        ],
      },
      {
        width: 'container', height: 150,
        layer: [
          shade(timeTitle),
          {
            data: { values: seconds },
            // A second whose requests all failed without an answer has no latency: no point, rather than a 0.
            transform: [{ filter: 'datum.p99Ms > 0' }],
            mark: { type: 'line', point: { size: 16 }, strokeWidth: 2, color: '#1f77b4' },
            encoding: {
              x: x('tMid', timeTitle),
              y: { field: 'p99Ms', type: 'quantitative', title: 'p99 latency (ms)' },
              tooltip: [...secondTooltip],
            },
          },
        ],
      },
    ],
  };
}
