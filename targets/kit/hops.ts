// Per-hop timing: every remote call records the caller's round trip and the callee's handler time
// (reported back by the callee); rtt − handler is the price of the boundary, aggregated per edge.
import * as hdr from 'hdr-histogram-js';

export interface HopSample { from: string; to: string; method: string; transport: string; rttUs: number; handlerUs: number; requestBytes: number; responseBytes: number; }

interface Edge {
  from: string; to: string; transport: string; calls: number; errors: number;
  rtt: hdr.Histogram; handler: hdr.Histogram; overhead: hdr.Histogram;
  requestBytes: number; responseBytes: number;
}

export interface EdgeStats {
  from: string; to: string; transport: string; calls: number; errors: number;
  rttUs: Percentiles; handlerUs: Percentiles; overheadUs: Percentiles;
  requestBytesMean: number; responseBytesMean: number;
}
export interface Percentiles { p50: number; p99: number; mean: number; max: number; }

const histogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

/** One recorder per process; the supervisor reads it out over IPC. */
export class HopRecorder {
  private edges = new Map<string, Edge>();

  record(s: HopSample, failed = false) {
    const key = `${s.from}>${s.to}>${s.transport}`;
    let e = this.edges.get(key);
    if (!e) {
      e = { from: s.from, to: s.to, transport: s.transport, calls: 0, errors: 0, rtt: histogram(), handler: histogram(), overhead: histogram(), requestBytes: 0, responseBytes: 0 };
      this.edges.set(key, e);
    }
    e.calls++;
    if (failed) e.errors++;
    e.rtt.recordValue(Math.max(1, Math.round(s.rttUs)));
    e.handler.recordValue(Math.max(1, Math.round(s.handlerUs)));
    e.overhead.recordValue(Math.max(1, Math.round(s.rttUs - s.handlerUs)));
    e.requestBytes += s.requestBytes;
    e.responseBytes += s.responseBytes;
  }

  stats(): EdgeStats[] {
    const pct = (h: hdr.Histogram): Percentiles => ({ p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), mean: round(h.mean), max: h.maxValue });
    return [...this.edges.values()].map((e) => ({
      from: e.from, to: e.to, transport: e.transport, calls: e.calls, errors: e.errors,
      rttUs: pct(e.rtt), handlerUs: pct(e.handler), overheadUs: pct(e.overhead),
      requestBytesMean: round(e.requestBytes / e.calls), responseBytesMean: round(e.responseBytes / e.calls),
    }));
  }

  reset() { this.edges.clear(); }
}

const round = (n: number) => Math.round(n * 10) / 10;
