// The driver's bookkeeping for the measured window: what an exchange's outcome means (ok, which
// error), per-workflow and overall histograms, the driver's own lag, connection waits and counts.
import { WORKFLOWS, type Workflow } from '../../scenarios/requests.js';
import { encode, latencyMs, recordUs, usHistogram, type Histogram } from '../../results/histogram.js';
import { tailHonesty } from '../../results/lower-bound.js';
import type { Outcome } from './sender.js';
import type { WorkflowResult } from '../../results/run.js';

/** One measured exchange, for callers that want raw samples (tests, debugging). */
export interface Sample { workflow: Workflow; latencyUs: number; serviceUs: number; ok: boolean; error?: string; }

export interface Verdict { ok: boolean; error?: string; }

/** Non-2xx answers are errors, except a declined payment at checkout: that is the business answering. */
export function verdict(workflow: Workflow, o: Outcome): Verdict {
  if (o.kind !== 'answer') return { ok: false, error: o.kind };
  if ((o.status >= 200 && o.status < 300) || (workflow === 'checkout' && o.status === 402)) return { ok: true };
  let reason = '';
  try {
    reason = String(JSON.parse(o.body ?? '').error?.reason ?? '');
  } catch {
    // not our JSON error body (a proxy, a crash page): the status alone has to do
  }
  return { ok: false, error: reason ? `status ${o.status} ${reason}` : `status ${o.status}` };
}

/** Bodies worth reading into memory: an error's reason, and a checkout's order id for later returns. */
export const wantsBody = (workflow: Workflow) => (status: number) => status >= 300 || workflow === 'checkout';

interface PerWorkflow { latency: Histogram; service: Histogram; ok: number; errors: Record<string, number>; }

export class Recorder {
  readonly lag = usHistogram();
  readonly connectionWait = usHistogram();
  /** Latency of everything answered since the last progress report, warm-up included. */
  private readonly interval = usHistogram();
  private intervalAnswers = 0;
  sent = 0;
  /** Measured sends refused because maxInFlight requests were outstanding; see droppedSend(). */
  dropped = 0;
  late = 0;
  /** Measured exchanges that got an HTTP answer, whatever its status. */
  answered = 0;
  private readonly flows = new Map<Workflow | 'all', PerWorkflow>();

  constructor(private readonly lateThresholdMs: number, private readonly onSample?: (s: Sample) => void) {}

  issued(lagMs: number): void {
    this.sent++;
    recordUs(this.lag, lagMs * 1000);
  }

  /**
   * A measured send that never went out (maxInFlight requests outstanding): a failure of its workflow
   * (error kind "dropped"), counted in every error rate. It has no latency to record — it is the
   * slowest request of all — so it makes the cell's percentiles lower bounds past 1 % (results/lower-bound.ts).
   */
  droppedSend(workflow: Workflow): void {
    this.dropped++;
    for (const f of [this.flow('all'), this.flow(workflow)]) f.errors.dropped = (f.errors.dropped ?? 0) + 1;
  }

  /**
   * `startMs` is when latency starts counting (the intended send time in the open model, the actual
   * send in the closed one). Answers of any status and timeouts are latencies; a refused or broken
   * connection is not (it would look like a fast answer), it is only counted as an error.
   */
  ended(workflow: Workflow, measured: boolean, v: Verdict, o: Outcome, t: { startMs: number; intendedMs: number; issuedMs: number }): void {
    const latencyUs = (o.endMs - t.startMs) * 1000;
    if (o.kind === 'answer') {
      recordUs(this.interval, latencyUs);
      this.intervalAnswers++;
    }
    if (!measured) return;
    if (o.kind === 'answer') this.answered++;
    // Late = it reached a connection (or gave up waiting for one) more than the threshold after its intended time.
    if ((o.wireMs ?? o.endMs) - t.intendedMs > this.lateThresholdMs) this.late++;
    if (o.wireMs !== undefined) recordUs(this.connectionWait, (o.wireMs - t.issuedMs) * 1000);
    const serviceUs = (o.endMs - (o.wireMs ?? t.issuedMs)) * 1000;
    for (const f of [this.flow('all'), this.flow(workflow)]) {
      if (v.ok) f.ok++;
      else f.errors[v.error!] = (f.errors[v.error!] ?? 0) + 1;
      if (o.kind === 'connection') continue;
      recordUs(f.latency, latencyUs);
      recordUs(f.service, serviceUs);
    }
    if (o.kind !== 'connection') this.onSample?.({ workflow, latencyUs, serviceUs, ok: v.ok, error: v.error });
  }

  /** Call at every progress report. Cheap on purpose (one percentile, a reset): it runs between sends. */
  takeInterval(): { answers: number; p99Ms: number } {
    const r = { answers: this.intervalAnswers, p99Ms: this.intervalAnswers ? Math.round(this.interval.getValueAtPercentile(99)) / 1000 : 0 };
    this.interval.reset();
    this.intervalAnswers = 0;
    return r;
  }

  /** "all" first, then every workflow that was in the mix or was sent. */
  results(mixed: Workflow[]): WorkflowResult[] {
    for (const w of mixed) this.flow(w);
    this.flow('all');
    const order = (w: string) => (w === 'all' ? -1 : WORKFLOWS.indexOf(w as Workflow));
    return [...this.flows].sort(([a], [b]) => order(a) - order(b)).map(([workflow, f]) => ({
      workflow, latencyMs: latencyMs(f.latency), serviceTimeMs: latencyMs(f.service), histogram: encode(f.latency), ok: f.ok, errors: f.errors,
      ...tailHonesty(f.ok, f.errors),
    }));
  }

  private flow(w: Workflow | 'all'): PerWorkflow {
    let f = this.flows.get(w);
    if (!f) this.flows.set(w, (f = { latency: usHistogram(), service: usHistogram(), ok: 0, errors: {} }));
    return f;
  }
}
