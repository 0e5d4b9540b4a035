// Latency histograms in µs (1 µs … 60 s, 3 significant digits), their summary in ms and their
// portable encoding, so every driver's results read the same way.
import * as hdr from 'hdr-histogram-js';
import type { LatencyMs } from './run.js';

export type Histogram = hdr.Histogram;

const HIGHEST_US = 60_000_000;

export const usHistogram = (): Histogram =>
  // Fixed range: a value past 60 s is clamped rather than silently resizing the histogram mid-run.
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, autoResize: false });

export function recordUs(h: Histogram, us: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(0, Math.round(us))));
}

const ms = (us: number) => Math.round(us) / 1000;

export function latencyMs(h: Histogram): LatencyMs {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, p9999: 0, max: 0, mean: 0, count: 0 };
  return {
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    p9999: ms(h.getValueAtPercentile(99.99)),
    // The top of the max's bucket, not the exact max: that is what a decoded histogram can tell, so both agree.
    max: ms(h.getValueAtPercentile(100)),
    mean: ms(h.mean),
    count: h.totalCount,
  };
}

export const encode = (h: Histogram): string => hdr.encodeIntoCompressedBase64(h);
export const decode = (base64: string): Histogram => hdr.decodeFromCompressedBase64(base64);
