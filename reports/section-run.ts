// The page's frame around the charts: the header, what must be said before any number (broken
// invariants, overload, injected delays), the verdicts (section 1) and the environment and method (8).
import { describeBreakage, describeLag, type InvariantReport } from '../targets/db/invariant-report.js';
import type { RunResult } from '../results/run.js';
import { MISSING, ms, msAtLeast, num } from './format.js';
import { esc, table } from './html.js';
import { describeArrival, keptRate, wiringCosts } from './summary.js';
import { verdicts } from './verdict.js';

export function header(run: RunResult): string {
  const e = run.environment;
  return `<header><h1>What splitting the monolith cost</h1>` +
    `<p class="sub">run <code>${esc(run.runId)}</code> · scenario <code>${esc(run.config.scenario.name)}</code> · profile <code>${esc(run.config.profile)}</code> · ` +
    `${esc(e.startedAt)} · ${esc(e.cores)} × ${esc(e.cpuModel)} · node ${esc(e.node)} · ${linkLine(run)}</p></header>`;
}

/** Which network every process → process boundary carried: runs before link profiles had loopback only. */
function linkLine(run: RunResult): string {
  const l = run.config.link;
  if (!l || (l.applied.rttMs === 0 && l.applied.jitterMs === 0)) return `link <code>${esc(l?.name ?? 'same-host')}</code> (loopback, nothing added)`;
  return `link <code>${esc(l.name)}</code>: ${esc(l.applied.rttMs)} ± ${esc(l.applied.jitterMs)} ms added per round trip on every process → process boundary (Toxiproxy${l.proxy ? `, whose own cost is +${esc(l.proxy.addedUs.p50)} µs p50` : ''})`;
}

/** Every invariant report of the run, each named by the cell it was checked after (a sweep's once per wiring). */
function invariantReports(run: RunResult): { where: string; report: InvariantReport }[] {
  const swept = [...new Map((run.sweep ?? []).map((p) => [p.wiring, p.invariants])).entries()];
  return [
    ...run.cells.map((c) => ({ where: `${c.wiring} (trial ${c.trial})`, report: c.invariants })),
    ...(run.saturation ?? []).map((s) => ({ where: `${s.wiring} after its saturation run`, report: s.invariants })),
    ...swept.map(([wiring, report]) => ({ where: `${wiring} after its sweep`, report })),
  ];
}

/** Failed invariant checks anywhere in the run: where, which check, and an example. */
export function brokenInvariants(run: RunResult): string[] {
  return invariantReports(run).filter((r) => !r.report.ok).map((r) => `${r.where}: ${describeBreakage(r.report)}`);
}

/** Cells whose outbox relay was still delivering when the checker stopped waiting: lag, not breakage. */
export function laggingRelays(run: RunResult): string[] {
  return invariantReports(run).flatMap((r) => {
    const lag = r.report.ok ? describeLag(r.report) : undefined;
    return lag ? [`${r.where}: ${lag}`] : [];
  });
}

export function banners(run: RunResult): string {
  const out: string[] = [];
  const broken = brokenInvariants(run);
  if (broken.length) {
    out.push(`<div class="banner bad" role="alert">BROKEN: this run broke its invariants — whatever its latency, its results are not valid. ` +
      `Failed: ${broken.map(esc).join(' · ')}. Details in section 8.</div>`);
  }
  const warnings: string[] = [];
  const lagging = laggingRelays(run);
  if (lagging.length) warnings.push(`The outbox relay fell behind (events still being delivered when the invariants were checked; not a broken invariant): ${lagging.map(esc).join(' · ')}.`);
  if (run.config.profile === 'fixture') warnings.push('<strong>Synthetic test data</strong> (profile <code>fixture</code>): made-up numbers for testing the report, not a measurement.');
  if (run.config.injectDelay) warnings.push(`Artificial handler delay injected: <code>${esc(run.config.injectDelay)}</code> — these are not the services' own latencies.`);
  const overloaded = wiringCosts(run).filter((c) => !keptRate(c));
  if (overloaded.length) warnings.push(`Could not keep the offered rate: ${overloaded.map((c) => `${esc(c.wiring)} (${num(c.achievedRps)} of ${num(c.offeredRps)} req/s)`).join(', ')} — their latencies are those of an overloaded system.`);
  if (run.config.profile === 'quick') warnings.push('Profile <code>quick</code>: short runs, few samples — a quick look, not a verdict.');
  if (run.config.trials < 2 && run.cells.length) warnings.push('One trial per wiring: no run-to-run spread is known for these figures.');
  if (run.environment.gitDirty) warnings.push(`Measured from a working tree with uncommitted changes (git ${esc(run.environment.gitSha.slice(0, 12))}).`);
  if (warnings.length) out.push(`<div class="banner warn"><ul>${warnings.map((w) => `<li>${w}</li>`).join('')}</ul></div>`);
  return out.join('');
}

export function verdictSection(run: RunResult): string {
  const vs = verdicts(run);
  return (vs.length ? `<ul class="verdict">${vs.map((v) => `<li>${esc(v.text)}</li>`).join('')}</ul>` : '') +
    (run.cells.length ? '' : '<p>This run has no open-model cells (saturation or sweep only): no per-workflow latency verdict.</p>');
}

export function methodSection(run: RunResult): string {
  const e = run.environment;
  const s = run.config.scenario;
  const mix = Object.entries(s.mix ?? {}).map(([w, weight]) => `${w} ${weight}`).join(', ');
  const facts: [string, string][] = [
    ['machine', `${esc(e.hostname)}: ${esc(e.cores)} × ${esc(e.cpuModel)}, ${esc(e.memoryGb ?? MISSING)} GB, ${esc(e.os ?? MISSING)}`],
    ['load average at start', esc(e.loadAverage.join(' · '))],
    ['Node.js', esc(e.node)],
    ['splitbench', `git <code>${esc(e.gitSha)}</code>${e.gitDirty ? ' (uncommitted changes)' : ''}, run.json schema ${esc(run.schemaVersion)}`],
    ['run', `${esc(e.startedAt)} → ${esc(run.finishedAt)}; profile <code>${esc(run.config.profile)}</code>; ${esc(run.config.trials)} trial(s) per wiring, interleaved`],
    ['scenario', `<code>${esc(s.name)}</code>: ${esc(s.description ?? '')}`],
    ['workflow mix', esc(mix || MISSING)],
    ['arrival model', `${esc(describeArrival(run))}; up to ${esc(s.maxInFlight ?? MISSING)} requests in flight (a send past that is dropped and counted), timeout ${esc(s.timeoutMs ?? MISSING)} ms`],
    ['durations', `${esc(s.durationS)} s measured after ${esc(s.warmupS)} s of warm-up (excluded) per cell`],
    ['coordinated omission', esc(coordinatedOmission(run.config.driver))],
    ['method', esc(run.config.method)],
    ['database', `${esc(run.config.db)}; ${esc(s.seed?.skus ?? MISSING)} SKUs and ${esc(s.seed?.customers ?? MISSING)} customers, fresh for every cell: ${esc(run.config.cellStart ?? 'reseeded')}`],
    ['injected delay', run.config.injectDelay ? `<strong>${esc(run.config.injectDelay)}</strong>` : 'none'],
    ['invariants', brokenInvariants(run).length ? '<strong style="color: var(--bad)">BROKEN (see below)</strong>' : `all held after every cell${laggingRelays(run).length ? ' (the outbox relay behind in some: see the warning at the top)' : ''}`],
  ];
  const cells = run.cells.length ? table(
    ['wiring', 'trial', 'processes', 'start-up', 'DB pool / HTTP connections per target', 'achieved of offered', 'sent · dropped · late', 'driver lag p99', 'driver CPU', 'invariants'],
    run.cells.map((c) => [
      esc(c.wiring), String(c.trial), String(c.processes), ms(c.startupMs),
      c.settings ? `${esc(c.settings.poolMax)} / ${esc(c.settings.httpConnections)}` : MISSING,
      `${num(c.driver.achievedRps)} of ${num(c.driver.offeredRps)} req/s`,
      `${num(c.driver.sent)} · ${num(c.driver.dropped)} · ${num(c.driver.late)}${c.driver.lateThresholdMs === undefined ? '' : ` (> ${esc(c.driver.lateThresholdMs)} ms)`}`,
      ms(c.driver.schedulingLagMs.p99), c.driver.driverCpuS === undefined ? MISSING : `${num(c.driver.driverCpuS)} s`,
      c.invariants.ok ? `OK (${c.invariants.checks.length} checks)${describeLag(c.invariants) ? ', relay behind' : ''}` : `<strong style="color: var(--bad)">BROKEN</strong>`,
    ]),
    'Every cell: fresh seeded databases, the wiring started, driven, its invariants checked, stopped.',
  ) : '';
  const failed = invariantReports(run).flatMap((r) => r.report.checks.filter((k) => !k.ok).map((k) => `<li>${esc(r.where)}: ${esc(k.name)} — ${esc(k.detail ?? '')}</li>`));
  const warnings = [...new Set(run.cells.flatMap((c) => c.driver.warnings.map((w) => `${c.wiring}: ${w}`)))];
  const saturation = run.saturation?.length ? table(
    ['wiring', 'in flight', 'measured', 'max throughput', 'p50 / p99 (closed model)', 'errors', 'invariants'],
    run.saturation.map((r) => [esc(r.wiring), String(r.connections), `${num(r.durationS)} s`, `${num(r.maxRps)} req/s`, `${msAtLeast(r.latencyMs.p50, r.lowerBound)} / ${msAtLeast(r.latencyMs.p99, r.lowerBound)}`, num(r.errors), r.invariants.ok ? 'OK' : '<strong style="color: var(--bad)">BROKEN</strong>']),
    'Saturation runs (closed model: latency here is service time, not corrected for coordinated omission; ≥: over 1 % timed out, which autocannon gives no latency, so a lower bound).',
  ) : '';
  return `<dl>${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>` + cells +
    (failed.length ? `<h3>Broken invariants</h3><ul style="color: var(--bad)">${failed.join('')}</ul>` : '') +
    (warnings.length ? `<h3>Driver warnings</h3><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '') + saturation;
}

function coordinatedOmission(driver: string): string {
  if (driver === 'builtin') return 'corrected: open model, every latency counts from the request\'s intended send time, so a stall is charged to every request it delays; the service time (from the actual send) is kept beside it in run.json.';
  if (driver === 'k6') return 'NOT corrected: k6 measures from the actual send; its arrival-rate executors (open model) drop a send that finds no free virtual user (counted) instead of sending it late. Do not compare these latencies with the built-in driver\'s.';
  if (driver === 'autocannon') return 'not applicable: closed-model saturation runs only (autocannon with its rate-based correction off); their latency is service time.';
  return `driver "${driver}": see the method line.`;
}
