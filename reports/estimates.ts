// The published estimates this suite replaces with measurements, quoted as they were given, beside
// this run's micro benchmarks (one call in flight, no database unless said).
import type { MicroRow, RunResult, TimedMicroRow } from '../results/run.js';
import { ratio } from './format.js';

export const ESTIMATES_SOURCE =
  'Estimates, not measurements: the per-call latency table of a decision-framework article on modular monoliths ' +
  'and microservices, as quoted in splitbench\'s MISSION_NOTES.md ("The estimates this suite replaces with measurements"). ' +
  'The article states them as estimates and does not measure them.';

interface Estimate {
  call: string;
  /** The article's wording, verbatim; absent when the article gives no estimate for this call. */
  quoted?: { row: string; latency: string; ratio: string; loUs: number; hiUs: number };
  measuredBy: (m: TimedMicroRow) => boolean;
}

const ESTIMATES: Estimate[] = [
  { call: 'in-process call', quoted: { row: 'in-process (direct memory)', latency: '1–100 ns', ratio: 'base', loUs: 0.001, hiUs: 0.1 }, measuredBy: (m) => m.kind === 'hop' && m.transport === 'in-process' },
  { call: 'gRPC call', quoted: { row: 'gRPC over local loopback / LAN', latency: '100–500 µs', ratio: '~10,000×', loUs: 100, hiUs: 500 }, measuredBy: (m) => m.kind === 'hop' && m.transport === 'grpc' },
  { call: 'HTTP/JSON call', quoted: { row: 'HTTP/JSON REST', latency: '1–50+ ms', ratio: '~100,000×', loUs: 1_000, hiUs: 50_000 }, measuredBy: (m) => m.kind === 'hop' && m.transport === 'http' },
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
