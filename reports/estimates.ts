// The published estimates this suite replaces with measurements, quoted as they were given, beside
// this run's micro benchmarks (one call in flight, no database unless said).
import type { MicroRow, RunResult, TimedMicroRow } from '../results/run.js';
import { ratio } from './format.js';

/** The article the estimates come from; docs/sources.md lists it with the suite's other sources. */
export const ESTIMATES_ARTICLE = {
  title: 'Part 1: Architectural Decision Framework',
  author: 'Lê Tuấn Anh',
  series: 'a series on modular monoliths and microservices',
  url: 'https://tanhdev.com/series/modular-monolith-architecture/decision-framework-modular-monolith-vs-microservices/',
};

export const ESTIMATES_SOURCE =
  `Estimates, not measurements: the per-call latency table ("The Speed Gap: In-process vs Network Hop") of ` +
  `"${ESTIMATES_ARTICLE.title}" by ${ESTIMATES_ARTICLE.author}, ${ESTIMATES_ARTICLE.series} (${ESTIMATES_ARTICLE.url}). ` +
  'The article states them as estimates and does not measure them. A later revision of the page gives the ratios as ' +
  '~100,000× (gRPC) and ~10,000,000× (HTTP/JSON); the latencies are unchanged.';

interface Estimate {
  call: string;
  /** The article's table row (its "1 - 100" and "~10,000x Slower" typeset as 1–100 and ~10,000×); absent when the article gives no estimate for this call. */
  quoted?: { row: string; latency: string; ratio: string; loUs: number; hiUs: number };
  measuredBy: (m: TimedMicroRow) => boolean;
}

const ESTIMATES: Estimate[] = [
  { call: 'in-process call', quoted: { row: 'In-process (Direct Memory)', latency: '1–100 ns', ratio: 'base', loUs: 0.001, hiUs: 0.1 }, measuredBy: (m) => m.kind === 'hop' && m.transport === 'in-process' },
  { call: 'gRPC call', quoted: { row: 'gRPC (Local Loopback/LAN)', latency: '100–500 µs', ratio: '~10,000×', loUs: 100, hiUs: 500 }, measuredBy: (m) => m.kind === 'hop' && m.transport === 'grpc' },
  { call: 'HTTP/JSON call', quoted: { row: 'HTTP/JSON REST (Network)', latency: '1–50+ ms', ratio: '~100,000×', loUs: 1_000, hiUs: 50_000 }, measuredBy: (m) => m.kind === 'hop' && m.transport === 'http' },
  { call: 'Postgres round trip', measuredBy: (m) => m.kind === 'database' },
];

export interface EstimateRow {
  call: string;
  quoted: Estimate['quoted'];
  measured: TimedMicroRow | undefined;
  /** Measured p50 over the measured in-process p50: the counterpart of the article's ratio. */
  measuredRatio: number | undefined;
}

const isTimed = (m: MicroRow): m is TimedMicroRow => m.kind !== 'outbox';

export function estimateRows(run: RunResult): EstimateRow[] {
  const timed = run.micro.filter(isTimed);
  const inProcess = timed.find(ESTIMATES[0].measuredBy);
  return ESTIMATES.map((e) => {
    const measured = timed.find(e.measuredBy);
    return { call: e.call, quoted: e.quoted, measured, measuredRatio: ratio(measured?.p50Us, inProcess?.p50Us) };
  });
}
