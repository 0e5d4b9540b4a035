// The Extraction page (npm run advise): which service is cheapest to take out of the monolith, ranked,
// under each link profile; the greedy ladder from 1 process to all of them, measured step by step; each
// candidate's checkout spectrum beside the monolith's; the bill and its prices; method and precision.
import { ladderOrder } from '../results/advise-rank.js';
import { moneyPath, withinNoise, type AdviseResult, type CandidateResult, type Delta, type StudyCell } from '../results/advise.js';
import { candidateSpectrumChart, ladderChart, type SidePoint } from './advise-charts.js';
import { esc, figure, page, scriptJson, table, type Chart, type Row } from './html.js';
import { MISSING, num, us } from './format.js';
import { SUMMARY_ELEMENT_ID, type RunSummary } from './run-page.js';
import { pooledSpectrum } from './spectrum.js';

/** JSON has no NaN: a measure that could not be taken comes back as null. */
const n = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const signed = (x: number | null | undefined, digits: number) => {
  const v = n(x);
  if (v === undefined) return MISSING;
  const text = Math.abs(v).toFixed(digits);
  return Number(text) === 0 ? text : `${v < 0 ? '−' : '+'}${text}`;
};
/** "+3.1 [+2.0, +4.2]", muted when the interval holds zero. */
function delta(d: Delta, digits = 1): string {
  const text = `${signed(d.value, digits)} <span class="ratio">[${signed(d.low, digits)}, ${signed(d.high, digits)}]</span>`;
  return withinNoise(d) ? `<span title="within the noise: the interval holds zero" style="color: var(--muted)">${text} ~</span>` : text;
}
const dollars = (x: number | null | undefined) => (n(x) === undefined ? MISSING : `$${n(x)!.toFixed(2)}`);

export function advisePage(advise: AdviseResult, source: string): { html: string; charts: Chart[]; summary: RunSummary } {
  const money = moneyPath(advise.cells);
  const charts: Chart[] = [];
  const sections: [string, string, string][] = [
    ['ranking', '1. Ranked: what each extraction costs', ranking(advise, money)],
    ['ladder', '2. The ladder: from 1 process to all of them', ladder(advise, charts)],
    ['spectra', `3. Each candidate against the monolith: ${money} at every percentile`, spectra(advise, money, charts)],
    ['bill', '4. The bill', billSection(advise)],
    ['links', '5. Link profiles', linksSection(advise)],
    ['method', '6. Method, precision and machine', methodSection(advise)],
  ];
  const broken = advise.cells.filter((c) => !c.invariants.ok);
  const e = advise.environment;
  const header = `<header><h1>Should we extract it?</h1><p class="sub">${esc(advise.runId)} · profile <code>${esc(advise.config.profile)}</code> · ` +
    `${esc(advise.config.services.length)} candidate(s) over <code>${esc(advise.config.transport)}</code> · scenario <code>${esc(advise.config.scenario.name)}</code> · ` +
    `link ${advise.config.links.map((l) => `<code>${esc(l.name)}</code>`).join(', ')} · ${esc(advise.cells.length)} cells · ` +
    `${esc(e.startedAt)} · ${esc(e.cores)} × ${esc(e.cpuModel)} · node ${esc(e.node)}</p></header>` +
    (broken.length ? `<p class="banner bad">Invariants BROKEN in ${broken.length} cell(s): ${broken.map((c) => esc(`${c.wiring} (${c.link})`)).join(', ')}. Their figures are not a price.</p>` : '');
  const summary: RunSummary = {
    runId: advise.runId, startedAt: e.startedAt, profile: `advise ${advise.config.profile}`, scenario: advise.config.scenario.name,
    wirings: ['monolith', `extract:<each of ${advise.config.services.length}>/${advise.config.transport}`], invariantsOk: broken.length === 0,
    verdicts: advise.config.links.map((l) => rankingVerdict(l.name, advise.candidates.filter((c) => c.link === l.name), money)),
  };
  const body = header + sections.map(([id, title, html]) => `<section id="${id}"><h2>${esc(title)}</h2>${html}</section>`).join('\n') +
    `<footer class="note"><p>Generated from <code>${esc(source)}</code>. Every latency, CPU, memory and byte figure is measured by that run; prices are the list prices of section 4, with their sources.</p></footer>`;
  const head = `<script type="application/json" id="${SUMMARY_ELEMENT_ID}">${scriptJson(summary)}</script>`;
  return { html: page({ title: `splitbench · should we extract it? · ${advise.runId}`, body, charts, head }), charts, summary };
}

/** "same-host: cheapest to extract a, dearest c (by checkout p99)"; tied ends are named as ties. */
function rankingVerdict(link: string, candidates: CandidateResult[], money: string): string {
  if (!candidates.length) return `${link}: no candidate measured`;
  const ranked = ladderOrder(candidates);
  const last = ranked.at(-1)!.rank;
  if (last === 1) return `${link}: all ${ranked.length} tie — no ${money} latency delta resolved from the monolith's`;
  const names = (rank: number) => {
    const at = ranked.filter((c) => c.rank === rank).map((c) => c.service);
    return at.length > 1 ? `${at.join(', ')} (tied)` : at[0];
  };
  return `${link}: cheapest to extract ${names(1)}, dearest ${names(last)} (by ${money} ${ranked.at(-1)!.rankedBy})`;
}

function ranking(a: AdviseResult, money: string): string {
  const intro = `<p>Each row: the monolith against <code>extract:&lt;service&gt;/${esc(a.config.transport)}</code> (that one service in a process of its own), ` +
    `the monolith trials just before and after it as the baseline. Ranked by what the study resolved: the ${esc(money)} p99 delta (the money path) where its interval excludes zero, ` +
    `else the p50 delta where that one does; a delta whose interval holds zero counts as no difference, so rows with nothing resolved share a rank (column “ranked by”). ` +
    `Rows of equal rank are listed by fewer calls crossing per request, then by name — the ladder's order. ` +
    `Brackets: ${a.config.confidence * 100} % interval; grey with ~: within the noise.</p>`;
  return intro + a.config.links.map((l) => {
    const rows = ladderOrder(a.candidates.filter((c) => c.link === l.name));
    return table(
      ['rank · service', 'ranked by', `Δ p99 ${esc(money)} (ms)`, `Δ p50 ${esc(money)} (ms)`, 'Δ CPU (s / 1k req)', 'Δ RSS (MB)', 'Δ $ / M orders', 'calls crossing / req', 'events crossing / req', 'bytes crossing / req', 'rank by CPU'],
      rows.flatMap((c): Row[] => [candidateRow(c, money), { note: esc(c.verdict) }]), `link <code>${esc(l.name)}</code>: ${esc(l.description)}`,
    );
  }).join('');
}

const RANKED_BY: Record<CandidateResult['rankedBy'], string> = {
  p99: 'p99',
  p50: '<span title="p99 not resolved: ranked by its p50 delta">p50</span>',
  unresolved: '<span title="neither delta resolved: ranks as no difference" style="color: var(--muted)">unresolved</span>',
};

function candidateRow(c: CandidateResult, money: string): Row {
  const w = c.workflows.find((x) => x.workflow === money);
  return [
    `${c.rank}. <strong>${esc(c.service)}</strong>${c.invariantsOk ? '' : ' <strong style="color: var(--bad)">BROKEN</strong>'}`,
    RANKED_BY[c.rankedBy],
    w ? delta(w.p99Ms) : MISSING, w ? delta(w.p50Ms) : MISSING, delta(c.cpuSPer1kRequests, 2), delta(c.rssMb, 0),
    `${signed(c.usdPerMillionOrders.delta, 2)}<span class="ratio">${dollars(c.usdPerMillionOrders.monolith)} → ${dollars(c.usdPerMillionOrders.candidate)}</span>`,
    num(n(c.crossing.callsPerRequest)), num(n(c.crossing.eventCallsPerRequest)), num(n(c.crossing.bytesPerRequest)), String(c.rankByCpu),
  ];
}

function ladder(a: AdviseResult, charts: Chart[]): string {
  if (!a.ladders.length) return '<p>Not run (<code>--no-ladder</code>, or a single candidate).</p>';
  const p99: Chart = { id: 'ladder-p99', spec: ladderChart(a.ladders, 'p99') };
  const usd: Chart = { id: 'ladder-usd', spec: ladderChart(a.ladders, 'usd') };
  charts.push(p99, usd);
  const cores = a.environment.cores;
  const caption = 'Greedy: the cheapest candidate (section 1) taken out first, then the next, up to every service in a process of its own; equal ranks in the order of fewer calls crossing per request, then by name. Each point is a measured cell (one trial per step), not an interpolation.';
  const busy = (s: { coresBusy: number }) => {
    const text = `${num(n(s.coresBusy))} of ${cores}`;
    // Past ~80 % of the cores the driver and the services queue for CPU: that wait is in the latency too.
    return s.coresBusy >= 0.8 * cores ? `<strong style="color: var(--warn)" title="queueing for CPU is part of this step's latency">${text}</strong>` : text;
  };
  return figure(p99, caption) + figure(usd, caption) + a.ladders.map((l) => table(
    ['processes', 'took out', 'checkout p50 (ms)', 'checkout p99 (ms)', 'all p99 (ms)', 'CPU (s / 1k req)', 'cores busy', 'RSS (MB)', '$ / M orders', 'invariants'],
    l.steps.map((s) => [
      String(s.processes), esc(s.added ?? '(monolith)'),
      num(n(s.checkout.p50Ms)), num(n(s.checkout.p99Ms)), num(n(s.all.p99Ms)), num(n(s.cpuSPer1kRequests)), busy(s), num(n(s.rssMb)), dollars(s.usdPerMillionOrders),
      s.invariantsOk ? 'OK' : '<strong style="color: var(--bad)">BROKEN</strong>',
    ]), `link <code>${esc(l.link)}</code> · cores busy: the services' and the database's CPU-seconds per second of the step, on this ${cores}-core machine (the load driver's own are not counted)`,
  )).join('');
}

function spectra(a: AdviseResult, money: string, charts: Chart[]): string {
  const hist = (cs: StudyCell[]) => cs.flatMap((c) => c.driver.workflows.filter((w) => w.workflow === money && w.histogram).map((w) => ({ at: `${c.wiring} trial ${c.trial}`, histogram: w.histogram })));
  return a.config.links.map((l) => {
    const mono = hist(a.cells.filter((c) => c.link === l.name && c.role === 'monolith'));
    const monoPoints = pooledSpectrum(mono).map((p): SidePoint => ({ ...p, side: 'monolith' }));
    const ranked = ladderOrder(a.candidates.filter((c) => c.link === l.name));
    const figs = ranked.map((c) => {
      const own = hist(a.cells.filter((x) => x.link === l.name && x.role === 'candidate' && x.extracted.length === 1 && x.extracted[0] === c.service));
      const chart: Chart = { id: `spectrum-${l.name}-${c.service}`, spec: candidateSpectrumChart(c.service, [...monoPoints, ...pooledSpectrum(own).map((p): SidePoint => ({ ...p, side: 'candidate' }))]) };
      charts.push(chart);
      return `<div class="chart" id="${esc(chart.id)}" role="img" aria-label="${esc(`extract ${c.service}: ${money} spectrum against the monolith`)}"></div>`;
    });
    return `<h3>link <code>${esc(l.name)}</code></h3><div style="display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px">${figs.join('')}</div>` +
      `<p class="note">Grey: every monolith trial under this link pooled (${esc(mono.length)} trial(s)); red: the candidate's trials pooled. Coordinated-omission corrected, warm-up excluded; ordered as ranked.</p>`;
  }).join('');
}

function billSection(a: AdviseResult): string {
  const p = a.config.prices;
  const wrap = (html: string) => `<span style="white-space: normal; display: block; min-width: 16rem; text-align: left">${html}</span>`;
  const price = (label: string, x: { usd: number; unit: string; source: string; url: string; date: string }) =>
    [esc(label), `$${esc(x.usd)} ${esc(x.unit)}`, wrap(`<a href="${esc(x.url)}">${esc(x.source)}</a>`), wrap(esc(x.date))];
  const prices = table(['price', 'list price', 'source', 'date'], [
    price('vCPU', p.vcpuHour), price('memory', p.gbHour), price('across zones', p.interZonePerGB), price('across regions', p.interRegionPerGB),
    [esc('smallest process'), `${esc(p.minProcess.vcpu)} vCPU, ${esc(p.minProcess.gb)} GB`, wrap(`<a href="${esc(p.minProcess.url)}">${esc(p.minProcess.source)}</a>`), wrap(esc(p.minProcess.date))],
  ], `${esc(p.currency)} · ${esc(p.file)}: ${esc(p.description)}`);
  const rows: Row[] = a.config.links.flatMap((l): Row[] => {
    const first = new Map<string, StudyCell>();
    for (const c of a.cells) if (c.link === l.name && !first.has(c.wiring)) first.set(c.wiring, c);
    return [{ group: `link <code>${esc(l.name)}</code>` }, ...[...first.values()].map((c): Row => {
      const parts = c.bill.parts;
      return [
        `<code>${esc(c.wiring.length > 40 ? `${c.wiring.slice(0, 37)}…` : c.wiring)}</code>`, String(c.processes), dollars(c.bill.usdPerMillionOrders),
        ...(parts ? [parts.cpu, parts.memory, parts.minimum, parts.database, parts.transfer].map(dollars) : Array(5).fill(MISSING)),
        num(c.bill.billedVcpu), num(c.bill.billedGb),
      ];
    })];
  });
  return `<p>${esc(a.config.method.slice(a.config.method.indexOf('The bill')))}</p>` + prices +
    table(['wiring', 'processes', '$ / M orders', 'CPU', 'memory', 'smallest-size floor', 'database', 'transfer', 'vCPU billed', 'GB billed'], rows,
      'The bill of each wiring as measured (its first trial), split by what it pays for, $ per million orders');
}

function linksSection(a: AdviseResult): string {
  const applied = new Map(a.cells.filter((c) => c.linkApplied).map((c) => [c.link, c.linkApplied!]));
  return table(['profile', 'round trip (ms)', 'jitter ± (ms)', 'applied', 'transfer priced as', 'sources'], a.config.links.map((l) => {
    const ap = applied.get(l.name);
    return [
      `<code>${esc(l.name)}</code><span class="ratio" style="white-space: normal">${esc(l.description)}</span>`, num(l.rttMs), num(l.jitterMs),
      ap ? `${esc(ap.rttMs)} ± ${esc(ap.jitterMs)} ms on ${esc(ap.boundaries)} proxies` : 'nothing (loopback)', esc(l.transfer),
      `<span style="white-space: normal; display: block; min-width: 20rem; text-align: left">${l.sources.map((s) => `<a href="${esc(s.url)}">${esc(s.figure)}</a> (${esc(s.date)})`).join('<br>') || '—'}${l.jitterNote ? `<br><em>jitter: ${esc(l.jitterNote)}</em>` : ''}</span>`,
    ];
  }));
}

function methodSection(a: AdviseResult): string {
  const e = a.environment;
  return '<dl>' +
    `<dt>machine</dt><dd>${esc(e.hostname)} · ${esc(e.cores)} × ${esc(e.cpuModel)} · node ${esc(e.node)} · load average ${esc(e.loadAverage.join(' '))} at start · git ${esc(e.gitSha)}</dd>` +
    `<dt>started / finished</dt><dd>${esc(e.startedAt)} / ${esc(a.finishedAt)}</dd>` +
    `<dt>one ${esc(a.hopFloor.transport)} hop alone</dt><dd>${us(a.hopFloor.p50Us)} p50, ${us(a.hopFloor.p99Us)} p99 over ${esc(a.hopFloor.samples)} calls (no database, 1 in flight): the floor a boundary pays</dd>` +
    (a.proxy ? `<dt>Toxiproxy</dt><dd>one proxy with no toxic adds ${us(a.proxy.addedUs.p50)} p50, ${us(a.proxy.addedUs.p99)} p99 per round trip</dd>` : '') +
    `<dt>precision</dt><dd>${esc(a.config.precision)}</dd>` +
    `<dt>method</dt><dd>${esc(a.config.method)}</dd></dl>`;
}
