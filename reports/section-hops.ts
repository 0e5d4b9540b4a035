// Sections 5–7: where the time goes on the checkout path, estimated vs measured call costs, tail
// amplification.
import type { RunResult } from '../results/run.js';
import { FLOOR_GOAL, checkoutBoundaries, floorRatios } from './boundary.js';
import { boundaryChart, estimatesChart, tailChart } from './charts.js';
import { ESTIMATES_SOURCE, estimateRows } from './estimates.js';
import { MISSING, ms, num, percent, ratio, times, us } from './format.js';
import { esc, figure, table } from './html.js';
import type { Section } from './section.js';
import { SLOW_SHARE, tailRows } from './tail-amplification.js';
import { wiringsOf } from './summary.js';

export function boundarySection(run: RunResult): Section {
  const points = checkoutBoundaries(run);
  const wirings = wiringsOf(run);
  const without = wirings.filter((w) => run.cells.some((c) => c.wiring === w) && !points.some((p) => p.wiring === w));
  const none = without.length ? `<p class="note">No remote call on the checkout path, so nothing to cross: ${without.map(esc).join(', ')}.</p>` : '';
  if (points.length === 0) return { html: `<p>No wiring in this run made a remote call on the checkout path.</p>${none}`, charts: [] };
  const chart = { id: 'chart-boundaries', spec: boundaryChart(points, wirings) };
  const caption = 'Read: a bar\'s length is what one checkout pays for crossing process boundaries if every hop takes its median; each segment is one hop, in call order. ' +
    'Overhead = the caller\'s round trip − the callee\'s own handler time, so it holds encoding and decoding, the network stack, waiting for a free connection in the caller\'s pool and ' +
    'waiting in the callee\'s event loop before the handler starts — none of the handler\'s work. Hops inside one process are plain calls and cost nothing here. ' +
    'A sum of per-hop medians is a budget, not a measured end-to-end figure (medians do not add); the tooltip has each hop\'s p99.';
  const totals = table(['wiring', 'remote hops on the path', 'Σ overhead p50', 'Σ overhead p99', 'largest hop (p50)'],
    wirings.filter((w) => points.some((p) => p.wiring === w)).map((w) => {
      const own = points.filter((p) => p.wiring === w);
      const largest = own.reduce((a, b) => (b.overheadP50Ms > a.overheadP50Ms ? b : a));
      return [esc(w), String(own.length), ms(own.reduce((t, p) => t + p.overheadP50Ms, 0)), ms(own.reduce((t, p) => t + p.overheadP99Ms, 0)), `${esc(largest.edge)} ${ms(largest.overheadP50Ms)}`];
    }));
  return { html: figure(chart, caption) + totals + none + floorBlock(run), charts: [chart] };
}

const FLOOR_METHOD = 'Method: beside each remote wiring, a bare chain (scripts/bench/chain.ts) with the wiring\'s processes and placement, so the same remote hops per checkout, ' +
  'forwards a checkout-shaped request over the same transport (plain node:http + undici with JSON, grpc-js + protobufjs, or framed node:net) with nothing of splitbench: ' +
  'no contracts, validation, deadlines, hop recorder, database or business code. It is driven by the same open-loop driver at the wiring\'s checkout rate and durations, and timed ' +
  'like the wiring: the caller\'s round trip − the callee\'s handler time, which the callee sends back. Per hop = the mean over the path\'s remote hops of each hop\'s overhead p50 ' +
  '(for the wiring, the median over trials first); the ratio is what splitbench adds per hop on top of the transport.';

/** Splitbench's per-hop overhead ÷ the bare chain's at the same placement and transport: what the kit adds per hop. */
function floorBlock(run: RunResult): string {
  const rows = floorRatios(run);
  const title = `<h3>The kit's own cost: per-hop overhead ÷ a bare chain's (goal ≤ ${FLOOR_GOAL}×)</h3>`;
  if (rows.length === 0) {
    return `${title}<p class="note">This run has no bare-chain floor: <code>npm run bench -- --floor</code> runs one beside each remote wiring, and this table then says how much of each hop's overhead is splitbench's own.</p>`;
  }
  const body = rows.map(({ floor: f, hops, kitUs, ratio }) => [
    esc(f.wiring), String(f.processes), hops === f.remoteHops ? String(hops) : `${hops} vs ${f.remoteHops} <span class="ratio">not the same path</span>`,
    us(kitUs?.p50), us(f.perHopOverheadUs.p50),
    ratio === undefined ? MISSING : `${times(ratio)}<span class="ratio">${ratio <= FLOOR_GOAL ? 'within the goal' : 'over the goal'}</span>`,
    `${us(kitUs?.p99)} / ${us(f.perHopOverheadUs.p99)}`, `${ms(f.latencyMs.p50)} / ${ms(f.latencyMs.p99)}`, `${num(f.achievedRps)} of ${num(f.offeredRps)}`,
  ]);
  const ratios = table(['wiring', 'processes', 'remote hops per checkout', 'splitbench per hop (p50)', 'bare chain per hop (p50)', `ratio (goal ≤ ${FLOOR_GOAL}×)`,
    'per hop p99: splitbench / bare chain', 'bare chain end to end p50 / p99', 'bare chain checkouts/s (achieved of offered)'], body);
  const warnings = rows.flatMap(({ floor: f }) => f.warnings.map((w) => `<li>${esc(f.wiring)} (bare chain): ${esc(w)}</li>`));
  return title + ratios + (warnings.length ? `<ul class="note">${warnings.join('')}</ul>` : '') + `<p class="note">${esc(FLOOR_METHOD)}</p>`;
}

export function estimatesSection(run: RunResult): Section {
  const rows = estimateRows(run);
  const html = table(
    ['call', 'estimate (quoted)', 'stated ratio (quoted)', 'measured p50', 'measured p99', 'measured p99.9', 'measured ratio (p50 ÷ in-process p50)', 'measured by'],
    rows.map((r) => [
      esc(r.call),
      r.quoted ? `“${esc(r.quoted.latency)}” <span class="ratio">${esc(r.quoted.row)}</span>` : 'no estimate given',
      r.quoted ? `“${esc(r.quoted.ratio)}”` : MISSING,
      us(r.measured?.p50Us), us(r.measured?.p99Us), us(r.measured?.p999Us),
      times(r.measuredRatio),
      r.measured ? `${esc(r.measured.name)}<span class="ratio">${num(r.measured.samples)} samples, one call in flight</span>` : 'not measured in this run',
    ]),
    'Quoted figures are estimates from the source below; measured figures are this run\'s micro benchmarks.',
  ) + `<p class="note">${esc(ESTIMATES_SOURCE)}</p>`;
  if (!rows.some((r) => r.measured)) {
    return { html: `${html}<p class="banner warn">This run has no micro benchmarks (run without <code>--no-micro</code> and without <code>--target</code>), so only the estimates are shown.</p>`, charts: [] };
  }
  const chart = { id: 'chart-estimates', spec: estimatesChart(rows) };
  const caption = 'Read: where a point falls outside its grey bar, the published estimate is wrong for this machine. ' +
    'Micro benchmarks time one call with nothing else in flight (tinybench): a floor, without the queueing of the full workflow. ' +
    'HTTP/JSON\'s estimate is open-ended (“50+ ms”); its bar stops at 50 ms.';
  return { html: html + figure(chart, caption), charts: [chart] };
}

export function tailSection(run: RunResult): Section {
  const rows = tailRows(run);
  if (rows.length === 0) return { html: '<p>No wiring in this run made remote calls on the checkout path: there is no hop to be slow.</p>', charts: [] };
  const measured = rows.filter((r) => r.measured);
  const method = 'How “measured” is computed: every remote call records its request id and round trip. For each edge (caller → callee) its p99 is taken over all its calls in the measured window (nearest rank); ' +
    'a call slower than its own edge\'s p99 is slow, so about 1 % of every edge\'s calls are slow by construction (fewer with few calls: nearest rank). A checkout request is one that made a remote call to or from checkout; ' +
    'measured = the share of checkout requests with at least one slow call. Predicted = 1 − (1 − p)^k averaged over the same requests, k = each request\'s own number of remote calls, which assumes calls are slow independently: ' +
    'with the textbook p = 1 %, and with p̂ = the share of these requests\' calls that were slow in this run (the fair comparison). ' +
    'Measured below the p̂ prediction: slow calls cluster on the same requests (a stall on a shared core slows every call in flight); above: they spread out. Requests that straddle the start or the end of the window are counted with the calls inside it.';
  const head = ['wiring', 'remote calls per checkout (k, median)', 'checkout requests', 'slow share of their calls (p̂)', 'measured: ≥ 1 slow call', `predicted 1 − ${1 - SLOW_SHARE}^k`, 'predicted 1 − (1 − p̂)^k', 'measured ÷ predicted (p̂)'];
  const body = rows.map((r) => [
    esc(r.wiring), String(r.hops), num(r.measured?.requests), percent(r.measured?.slowCallShare), percent(r.measured?.share), percent(r.predicted),
    percent(r.measured?.predictedAtMeasuredP), times(ratio(r.measured?.share, r.measured?.predictedAtMeasuredP)),
  ]);
  const missing = rows.filter((r) => !r.measured).map((r) => r.wiring);
  const missingNote = missing.length
    ? `<p class="banner warn">No per-request call records for ${missing.map(esc).join(', ')} (run.json written before <code>cells[].tail</code> existed, or a process dropped its records past 500,000 calls): ` +
      'only the prediction is shown there, with k = the number of distinct remote hops on the checkout path.</p>'
    : '';
  const tableHtml = table(head, body);
  if (measured.length === 0) return { html: missingNote + tableHtml + `<p class="note">${esc(method)}</p>`, charts: [] };
  const chart = { id: 'chart-tail', spec: tailChart(rows, wiringsOf(run)) };
  const caption = `Read: the grey bars are what the tail-at-scale arithmetic predicts for k independent calls (p = 1 %, and p = p̂, this run's own slow-call share); the red bar is what this run measured. ${esc(method)}`;
  return { html: missingNote + figure(chart, caption) + tableHtml, charts: [chart] };
}
