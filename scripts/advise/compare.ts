// The study's arithmetic, pure: each candidate against the monolith trials just before and after it,
// the ranking (by what resolved: results/advise-rank.ts), the verdict sentences and the ladder. A delta is taken in logs (a candidate trial ÷ the
// geometric mean of its neighbours), its interval from the trial-to-trial spread of the monolith
// measured in the same run (successive trials, so a slow drift does not count as noise) pooled with the
// candidates' own when they have repeats, with Student's t. A candidate is assumed to vary from trial to
// trial as much, in proportion, as the monolith does: the method text says so.
import { moneyPath, withinNoise, type CandidateResult, type Delta, type Ladder, type LadderStep, type StudyCell, type WorkflowDelta } from '../../results/advise.js';
import { ladderOrder, rankCandidates, type Ranking } from '../../results/advise-rank.js';
import { medianOrNaN as median } from '../../results/median.js';
import { studentTQuantile } from '../../results/student-t.js';
import { crossing } from './crossing.js';
import { neighbours } from './plan.js';

type Measure = (c: StudyCell) => number | undefined;

const workflow = (c: StudyCell, w: string) => c.driver.workflows.find((x) => x.workflow === w);
const p50 = (w: string): Measure => (c) => workflow(c, w)?.latencyMs.p50;
const p99 = (w: string): Measure => (c) => workflow(c, w)?.latencyMs.p99;
/** CPU of every service process and the database, per 1,000 requests. */
export const cpuOf: Measure = (c) => c.cost.cpuSPer1kRequests + (c.cost.dbCpuSPer1kRequests ?? 0);
const rssOf: Measure = (c) => c.cost.rssPeakMbSum;


export function compare(cells: StudyCell[], confidence: number): CandidateResult[] {
  const out: CandidateResult[] = [];
  for (const link of [...new Set(cells.map((c) => c.link))]) {
    const results: Omit<CandidateResult, keyof Ranking>[] = [];
    const services = [...new Set(cells.filter((c) => c.link === link && c.role === 'candidate').map((c) => c.extracted[0]))];
    const money = moneyPath(cells);
    const monoCells = cells.filter((c) => c.link === link && c.role === 'monolith');
    for (const service of services) {
      const own = cells.map((c, i) => ({ c, i })).filter(({ c }) => c.link === link && c.role === 'candidate' && c.extracted[0] === service);
      const pairs = own.map(({ c, i }) => ({ candidate: c, monolith: neighbours(cells, i).map((j) => cells[j]) }));
      const delta = (m: Measure) => pairedDelta(pairs, monoCells, cells.filter((c) => c.link === link && c.role === 'candidate'), m, confidence);
      const workflows: WorkflowDelta[] = [...new Set(own.flatMap(({ c }) => c.driver.workflows.map((w) => w.workflow)))].map((w) => ({
        workflow: w,
        monolith: { p50Ms: med(pairs.flatMap((p) => p.monolith), p50(w)), p99Ms: med(pairs.flatMap((p) => p.monolith), p99(w)) },
        candidate: { p50Ms: med(own.map((o) => o.c), p50(w)), p99Ms: med(own.map((o) => o.c), p99(w)) },
        p50Ms: delta(p50(w)), p99Ms: delta(p99(w)),
        samples: { monolith: sum(pairs.flatMap((p) => p.monolith), (c) => workflow(c, w)?.latencyMs.count), candidate: sum(own.map((o) => o.c), (c) => workflow(c, w)?.latencyMs.count) },
      }));
      const usd = { monolith: medianBill(pairs.flatMap((p) => p.monolith)), candidate: medianBill(own.map((o) => o.c)) };
      const crossings = own.map((o) => crossing(o.c));
      const r = {
        service, link, wiring: own[0].c.wiring, workflows,
        cpuSPer1kRequests: delta(cpuOf), rssMb: delta(rssOf),
        usdPerMillionOrders: { ...usd, delta: usd.candidate - usd.monolith },
        crossing: { ...crossings[0], callsPerRequest: median(crossings.map((x) => x.callsPerRequest)), eventCallsPerRequest: median(crossings.map((x) => x.eventCallsPerRequest)), bytesPerRequest: median(crossings.map((x) => x.bytesPerRequest)) },
        invariantsOk: [...own.map((o) => o.c), ...pairs.flatMap((p) => p.monolith)].every((c) => c.invariants.ok),
        verdict: '',
      };
      results.push({ ...r, verdict: verdict(r, money, med(pairs.flatMap((p) => p.monolith), cpuOf)) });
    }
    out.push(...rankCandidates(results, money));
  }
  return out;
}

interface Pair { candidate: StudyCell; monolith: StudyCell[] }

/**
 * Candidate − monolith of one measure: the mean over the candidate's trials of log(candidate ÷ geometric
 * mean of its neighbours), back on the measure's scale at the neighbours' geometric mean.
 */
export function pairedDelta(pairs: Pair[], monolithTrials: StudyCell[], candidateTrials: StudyCell[], m: Measure, confidence: number): Delta {
  const ok = pairs.filter((p) => valid(m(p.candidate)) && p.monolith.some((c) => valid(m(c))));
  if (!ok.length) return { value: NaN, low: NaN, high: NaN };
  const logMean = (cs: StudyCell[]) => mean(cs.map(m).filter(valid).map(Math.log));
  const d = ok.map((p) => Math.log(m(p.candidate)!) - logMean(p.monolith));
  const base = Math.exp(mean(ok.map((p) => logMean(p.monolith))));
  const r = mean(d);
  const { variance, df } = spread(monolithTrials, candidateTrials, m);
  // Each pair: one candidate trial and the mean of its k neighbours, each with the spread's variance.
  const varR = ok.reduce((t, p) => t + variance * (1 + 1 / p.monolith.filter((c) => valid(m(c))).length), 0) / ok.length ** 2;
  const half = df >= 1 ? studentTQuantile(1 - (1 - confidence) / 2, df) * Math.sqrt(varR) : Infinity;
  const at = (x: number) => base * (Math.exp(x) - 1);
  return { value: at(r), low: at(r - half), high: at(r + half) };
}

/**
 * The log-scale variance of a trial: from successive monolith trials (half their mean squared
 * difference: a slow drift over the run is not noise), pooled with each repeated candidate's own variance.
 */
export function spread(monolithTrials: StudyCell[], candidateTrials: StudyCell[], m: Measure): { variance: number; df: number } {
  let ss = 0;
  let df = 0;
  const mono = monolithTrials.map(m).filter(valid).map(Math.log);
  if (mono.length >= 2) {
    for (let i = 1; i < mono.length; i++) ss += (mono[i] - mono[i - 1]) ** 2 / 2;
    df += mono.length - 1;
  }
  const byService = new Map<string, number[]>();
  for (const c of candidateTrials) {
    const x = m(c);
    if (valid(x)) byService.set(c.extracted.join(','), [...(byService.get(c.extracted.join(',')) ?? []), Math.log(x)]);
  }
  for (const xs of byService.values()) {
    if (xs.length < 2) continue;
    const mu = mean(xs);
    ss += xs.reduce((t, x) => t + (x - mu) ** 2, 0);
    df += xs.length - 1;
  }
  return { variance: df ? ss / df : NaN, df };
}

function verdict(r: Omit<CandidateResult, keyof Ranking | 'verdict'>, money: string, monolithCpu: number): string {
  const w = r.workflows.find((x) => x.workflow === money);
  const ms = (d: Delta) => `${sign(d.value)}${Math.abs(d.value).toFixed(1)} ms [${sign(d.low)}${Math.abs(d.low).toFixed(1)}, ${sign(d.high)}${Math.abs(d.high).toFixed(1)}]`;
  const cpuPct = (r.cpuSPer1kRequests.value / monolithCpu) * 100;
  const money$ = `${sign(r.usdPerMillionOrders.delta)}$${Math.abs(r.usdPerMillionOrders.delta).toFixed(2)} per million orders`;
  const cpu = `CPU ${sign(r.cpuSPer1kRequests.value)}${Math.abs(r.cpuSPer1kRequests.value).toFixed(2)} s per 1,000 requests${Number.isFinite(cpuPct) ? ` (${sign(cpuPct)}${Math.abs(cpuPct).toFixed(0)} %)` : ''}${withinNoise(r.cpuSPer1kRequests) ? ', within the noise' : ''}`;
  const calls = `${r.crossing.callsPerRequest} calls and ${r.crossing.eventCallsPerRequest} event deliveries cross per request`;
  if (!r.invariantsOk) return `${r.service}: BROKEN — an invariant failed in one of its cells or its monolith neighbours; its numbers are not a price.`;
  if (!w) return `${r.service}: ${cpu}; ${money$}; ${calls}.`;
  const latency = withinNoise(w.p99Ms) && withinNoise(w.p50Ms)
    ? `adds no ${money} latency beyond the noise (p99 ${ms(w.p99Ms)}, p50 ${ms(w.p50Ms)})`
    : `costs ${money} p99 ${ms(w.p99Ms)} and p50 ${ms(w.p50Ms)}${withinNoise(w.p99Ms) ? ' (p99 within the noise)' : ''}`;
  return `Extracting ${r.service} ${latency}; ${cpu}; ${money$}; ${calls}.`;
}

export function ladders(cells: StudyCell[], candidates: CandidateResult[]): Ladder[] {
  const money = moneyPath(cells);
  return [...new Set(cells.map((c) => c.link))].map((link) => {
    const ranked = ladderOrder(candidates.filter((c) => c.link === link)).map((c) => c.service);
    const at = (cs: StudyCell[], added: string | null): LadderStep => ({
      processes: cs[0].processes, wiring: cs[0].wiring, added,
      checkout: { p50Ms: med(cs, p50(money)), p99Ms: med(cs, p99(money)) },
      all: { p50Ms: med(cs, p50('all')), p99Ms: med(cs, p99('all')) },
      cpuSPer1kRequests: med(cs, cpuOf), rssMb: med(cs, rssOf),
      coresBusy: Math.round(med(cs, (c) => (cpuOf(c)! * c.driver.achievedRps) / 1000) * 100) / 100,
      usdPerMillionOrders: medianBill(cs),
      invariantsOk: cs.every((c) => c.invariants.ok),
    });
    const steps: LadderStep[] = [at(cells.filter((c) => c.link === link && c.role === 'monolith'), null)];
    ranked.forEach((service, i) => {
      const want = ranked.slice(0, i + 1);
      const cs = cells.filter((c) => c.link === link && (c.role === 'ladder' || c.role === 'candidate') && sameSet(c.extracted, want));
      if (cs.length) steps.push(at(cs, service));
    });
    return { link, steps };
  });
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && b.every((x) => a.includes(x));
const valid = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x > 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const med = (cs: StudyCell[], m: Measure) => median(cs.map(m).filter(valid));
const medianBill = (cs: StudyCell[]) => median(cs.map((c) => c.bill.usdPerMillionOrders).filter((x): x is number => x !== null));
const sum = (cs: StudyCell[], m: Measure) => cs.reduce((t, c) => t + (m(c) ?? 0), 0);
const sign = (x: number) => (x < 0 ? '−' : '+');
