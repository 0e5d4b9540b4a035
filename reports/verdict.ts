// One sentence per workflow saying what splitting cost, from the run's pooled percentiles and its
// per-trial costs, every ratio with its interval; a ratio whose interval holds 1 is said to be no
// difference this run can resolve, never stated as one. And one sentence for maximum throughput when
// the run measured it.
import type { RunResult } from '../results/run.js';
import { resolvedRatio, type RatioInterval } from '../results/ratio-interval.js';
import { intervalMethod, msAtLeast, num, ratioRange, times } from './format.js';
import { BASELINE, describeArrival, keptRate, latencyRows, wiringCosts, type LatencyRow, type WiringCost } from './summary.js';

/** `topic` is a workflow, or "max throughput". */
export interface Verdict { topic: string; text: string; }

export function verdicts(run: RunResult): Verdict[] {
  const rows = latencyRows(run);
  const costs = new Map(wiringCosts(run).map((c) => [c.wiring, c]));
  const workflows = [...new Set(rows.map((r) => r.workflow))].filter((w) => w !== 'all');
  const throughput = throughputSentence(run);
  return [
    ...workflows.map((workflow) => ({ topic: workflow, text: sentence(run, workflow, rows.filter((r) => r.workflow === workflow), costs) })),
    ...(throughput ? [{ topic: 'max throughput', text: throughput }] : []),
  ];
}

function throughputSentence(run: RunResult): string | undefined {
  const rows = run.saturation ?? [];
  const base = rows.find((r) => r.wiring === BASELINE);
  const splits = rows.filter((r) => r.wiring !== BASELINE).sort((a, b) => a.maxRps - b.maxRps);
  if (!base || splits.length === 0) return undefined;
  const [lowest, highest] = [splits[0], splits[splits.length - 1]];
  // One closed-model run per wiring has no spread to give a ratio an interval: the rates, not a ratio.
  let text = `max throughput (closed model, ${base.connections} in flight, one run per wiring, so no interval and no ratio stated): ` +
    `the monolith ${num(base.maxRps)} req/s, the lowest split ${lowest.wiring} ${num(lowest.maxRps)} req/s`;
  if (highest !== lowest) text += `, the highest ${highest.wiring} ${num(highest.maxRps)} req/s`;
  const broken = rows.filter((r) => !r.invariants.ok).map((r) => r.wiring);
  if (broken.length) text += `; invariants BROKEN after saturating ${broken.join(', ')}`;
  return `${text}.`;
}

/** "is 3.1× [2.4–4.0×] the monolith's" or "shows no difference this run can resolve [0.8–1.3×]". */
function compared(r: RatioInterval | undefined, what: string): string {
  if (!r) return `has no ${what} to compare`;
  return resolvedRatio(r) ? `is ${times(r.value)} [${ratioRange(r)}] the monolith's` : `shows no difference this run can resolve [${ratioRange(r)}]`;
}

function sentence(run: RunResult, workflow: string, rows: LatencyRow[], costs: Map<string, WiringCost>): string {
  const base = rows.find((r) => r.wiring === BASELINE);
  const splits = rows.filter((r) => r.wiring !== BASELINE);
  const load = loadPhrase(run, costs.get(base?.wiring ?? rows[0].wiring));
  if (!base) return `${workflow}: no monolith in this run, so no ratio; p99 ${rows.map((r) => `${r.wiring} ${msAtLeast(r.p99Ms, r.lowerBound)}`).join(', ')} ${load}.`;
  if (splits.length === 0) return `${workflow}: only the monolith ran: p99 ${msAtLeast(base.p99Ms, base.lowerBound)} ${load}.`;
  const byP99 = [...splits].sort((a, b) => b.p99Ms - a.p99Ms);
  const worst = byP99[0];
  const closest = byP99[byP99.length - 1];
  const unit = onlyCheckout(run) ? 'order' : 'request (whole mix)';
  const cpu = (r: LatencyRow) => compared(costs.get(r.wiring)?.vsBaseline?.cpuSPer1kRequests, 'CPU');
  const ms = (r: LatencyRow) => `${msAtLeast(r.p99Ms, r.lowerBound)} vs ${msAtLeast(base.p99Ms, base.lowerBound)}`;
  let text = `${workflow}: ${worst.wiring}'s p99 ${compared(worst.vsBaseline?.p99, 'p99')} (${ms(worst)}) ${load}, and its CPU per ${unit} ${cpu(worst)}`;
  if (closest !== worst) text += `; the closest to the monolith, ${closest.wiring}: p99 ${compared(closest.vsBaseline?.p99, 'p99')} (${ms(closest)}), CPU ${cpu(closest)}`;
  const overloaded = rows.map((r) => costs.get(r.wiring)).filter((c): c is WiringCost => !!c && !keptRate(c));
  if (overloaded.length) {
    const whose = overloaded.length > 1 ? 'overloaded, their latencies are those of a queue' : 'overloaded, its latency is that of a queue';
    text += ` (${overloaded.map((c) => `${c.wiring} kept only ${num(c.achievedRps)} of ${num(c.offeredRps)} req/s`).join(', ')}: ${whose})`;
  }
  const broken = rows.filter((r) => costs.get(r.wiring)?.invariantsOk === false).map((r) => r.wiring);
  if (broken.length) text += `; invariants BROKEN in ${broken.join(', ')}`;
  return `${text} — p99 pooled over ${base.trials} trial(s), ${intervalMethod(Math.min(...rows.map((r) => r.trials)))}.`;
}

function loadPhrase(run: RunResult, cost: WiringCost | undefined): string {
  const a = run.config.scenario.arrival;
  if (a?.model === 'constant' && cost?.offeredRps !== undefined) return `at ${num(cost.offeredRps)} req/s`;
  return `under ${describeArrival(run)}`;
}

const onlyCheckout = (run: RunResult) => {
  const mix = Object.entries(run.config.scenario.mix ?? {}).filter(([, weight]) => weight > 0);
  return mix.length === 1 && mix[0][0] === 'checkout';
};
