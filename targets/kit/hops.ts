// Per-hop timing: every remote call records the caller's round trip and the callee's handler time
// (reported back by the callee); rtt − handler is the price of the boundary, aggregated per edge.
import * as hdr from 'hdr-histogram-js';

export interface HopSample { from: string; to: string; method: string; transport: string; requestId: string; rttUs: number; handlerUs: number; requestBytes: number; responseBytes: number; }

type EdgeKey = Pick<HopSample, 'from' | 'to' | 'transport'>;

interface Edge {
  from: string; to: string; transport: string; calls: number; errors: number; retries: number; retriesRefused: number;
  rtt: hdr.Histogram; handler: hdr.Histogram; overhead: hdr.Histogram;
  requestBytes: number; responseBytes: number;
  requestIds: string[]; rttsUs: number[];
}

export interface EdgeStats {
  from: string; to: string; transport: string; calls: number; errors: number;
  /** Attempts the stub made again (each one is in calls too), and retries the process's budget refused (retry.ts). */
  retries: number; retriesRefused: number;
  rttUs: Percentiles; handlerUs: Percentiles; overheadUs: Percentiles;
  requestBytesMean: number; responseBytesMean: number;
  /** The caller's round trips in µs, an encoded HdrHistogram (compressed base64), so a gate can resample the edge's calls. */
  rttHistogram: string;
  /** Every call's request id and round trip, so a run can tell which requests met a slow call (tail
   * amplification); absent when the process dropped them (more than its maxKeptCalls since the last reset). */
  perCall?: { requestIds: string[]; rttsUs: number[] };
}
export interface Percentiles { p50: number; p99: number; mean: number; max: number; }

/** Per-call records kept per process; bounds memory when stats are never reset (npm run serve). */
export const MAX_KEPT_CALLS = 500_000;

const histogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

/** One recorder per process; the supervisor reads it out over IPC. */
export class HopRecorder {
  private edges = new Map<string, Edge>();
  private keptCalls = 0;
  private perCallDropped = false;

  constructor(private readonly maxKeptCalls = MAX_KEPT_CALLS) {}

  record(s: HopSample, failed = false) {
    const e = this.edge(s);
    e.calls++;
    if (failed) e.errors++;
    e.rtt.recordValue(Math.max(1, Math.round(s.rttUs)));
    e.handler.recordValue(Math.max(1, Math.round(s.handlerUs)));
    e.overhead.recordValue(Math.max(1, Math.round(s.rttUs - s.handlerUs)));
    e.requestBytes += s.requestBytes;
    e.responseBytes += s.responseBytes;
    this.keepCall(e, s);
  }

  /** A retry on the edge of the call it repeats, or one the budget refused. */
  retried(on: EdgeKey, refused = false) {
    const e = this.edge(on);
    if (refused) e.retriesRefused++;
    else e.retries++;
  }

  private edge({ from, to, transport }: EdgeKey): Edge {
    const key = `${from}>${to}>${transport}`;
    let e = this.edges.get(key);
    if (!e) {
      e = { from, to, transport, calls: 0, errors: 0, retries: 0, retriesRefused: 0, rtt: histogram(), handler: histogram(), overhead: histogram(), requestBytes: 0, responseBytes: 0, requestIds: [], rttsUs: [] };
      this.edges.set(key, e);
    }
    return e;
  }

  private keepCall(e: Edge, s: HopSample) {
    if (this.perCallDropped) return;
    if (++this.keptCalls > this.maxKeptCalls) {
      this.perCallDropped = true;
      for (const edge of this.edges.values()) { edge.requestIds = []; edge.rttsUs = []; }
      return;
    }
    e.requestIds.push(s.requestId);
    e.rttsUs.push(s.rttUs);
  }

  stats(): EdgeStats[] {
    const pct = (h: hdr.Histogram): Percentiles => ({ p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), mean: round(h.mean), max: h.maxValue });
    // calls || 1: a reset between a failed attempt and its refused retry leaves an edge with no call.
    return [...this.edges.values()].map((e) => ({
      from: e.from, to: e.to, transport: e.transport, calls: e.calls, errors: e.errors, retries: e.retries, retriesRefused: e.retriesRefused,
      rttUs: pct(e.rtt), rttHistogram: hdr.encodeIntoCompressedBase64(e.rtt), handlerUs: pct(e.handler), overheadUs: pct(e.overhead),
      requestBytesMean: round(e.requestBytes / (e.calls || 1)), responseBytesMean: round(e.responseBytes / (e.calls || 1)),
      perCall: this.perCallDropped ? undefined : { requestIds: e.requestIds, rttsUs: e.rttsUs },
    }));
  }

  reset() {
    this.edges.clear();
    this.keptCalls = 0;
    this.perCallDropped = false;
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
