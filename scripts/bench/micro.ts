// Micro benchmarks (docs/design.md, "Measurement": Micro): one hop of each transport with a do-nothing
// handler, serialization alone, one database round trip — the measured version of the estimates
// table (docs/sources.md). One call in flight throughout: these are floors, not capacities.
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { Bench, type Fn } from 'tinybench';
import { Checkout } from '../../targets/contracts/commerce/checkout.js';
import { newCtx } from '../../targets/kit/ctx.js';
import { wrapHandlers, type Handler } from '../../targets/kit/handler.js';
import { remoteStub } from '../../targets/kit/envelope.js';
import { HopRecorder } from '../../targets/kit/hops.js';
import { REMOTE_TRANSPORT_NAMES, loadTransport } from '../../targets/kit/transports/index.js';
import { protoCodecs } from '../../targets/kit/proto.js';
import { CONFIRM_ANSWER, Echo, echoApi } from './micro-echo.js';
import { startEchoServer } from './micro-server.js';
import type { TimedMicroRow } from '../../results/run.js';

export interface MicroOptions {
  /** Postgres to time `SELECT 1` against; the database row is left out without it. */
  pgUrl?: string;
  /** Measured seconds per row, after the warm-up. */
  timeS?: number;
  onProgress?: (name: string) => void;
}

export const MICRO_DEFAULT_TIME_S = 2;

/** JIT, connections and the server's first requests settle in this window; it is not measured. */
export const microWarmupMs = (timeS: number) => Math.round(Math.min(1_000, Math.max(100, timeS * 250)));
/**
 * The warm-up also lasts at least this many calls: what settles (JIT, transport state) counts calls, not time. A gRPC hop
 * needed about 4,000 calls on the 2-vCPU VM (p50 ~1,000 µs over the first thousand, ~300 µs from the
 * fifth on), so a time-only warm-up of 500 ms left its row measuring the cold regime.
 */
export const MICRO_WARMUP_MIN_CALLS = 5_000;

type RowSpec = Pick<TimedMicroRow, 'name' | 'kind' | 'transport' | 'bytes'>;

export async function runMicro(opts: MicroOptions = {}): Promise<TimedMicroRow[]> {
  const timeS = opts.timeS ?? MICRO_DEFAULT_TIME_S;
  if (!(timeS > 0)) throw new Error(`micro benchmarks: timeS must be positive, got ${timeS}`);
  const measure = async (spec: RowSpec, fn: Fn) => {
    opts.onProgress?.(spec.name);
    return toRow(spec, await timeOne(spec.name, fn, timeS));
  };
  const rows: TimedMicroRow[] = [];

  // The in-process binding is the wrapped handler itself (targets/wirings/host.ts, local 'direct').
  // The caller's ctx flows through unchanged, so one ctx serves every call; its deadline only has to
  // outlast the row.
  const local = wrapHandlers(Echo, echoApi);
  const localCtx = newCtx('micro-in-process', 10 * 60_000, 'bench');
  await expectEcho(local.echo, 'in-process');
  rows.push(await measure({ name: 'in-process hop', kind: 'hop', transport: 'in-process' }, () => local.echo(CONFIRM_ANSWER, localCtx)));

  for (const transport of REMOTE_TRANSPORT_NAMES) rows.push(await remoteHop(transport, measure));

  rows.push(...(await serialization(measure)));

  if (opts.pgUrl) rows.push(await selectOne(opts.pgUrl, measure));
  return rows;
}

type Measure = (spec: RowSpec, fn: Fn) => Promise<TimedMicroRow>;

/** One hop of one transport alone: the floor a boundary of that transport cannot go below (npm run advise). */
export async function hopFloor(transport: string, timeS: number): Promise<TimedMicroRow> {
  return remoteHop(transport, async (spec, fn) => toRow(spec, await timeOne(spec.name, fn, timeS)));
}

/** The echo served by a child process, called through the kit's client stub: the full remote binding. */
async function remoteHop(transport: string, measure: Measure): Promise<TimedMicroRow> {
  const server = await startEchoServer(transport);
  let close = async () => {};
  try {
    const remote = await loadTransport(transport);
    // One connection and one request in flight: the hop's floor, free of queueing, as the estimates are per call.
    const peer = remote.dial(`127.0.0.1:${server.port}`, { connections: 1 });
    close = () => peer.close();
    const stub = remoteStub(Echo, peer, remote.name, new HopRecorder());
    await expectEcho(stub.echo, transport);
    const name = `${remote.label} hop`;
    // A fresh 5 s deadline per call, as a request would carry: a stuck server fails the row instead of hanging it.
    return await measure({ name, kind: 'hop', transport }, () => stub.echo(CONFIRM_ANSWER, newCtx('micro', 5_000, 'bench')));
  } finally {
    await close().catch(() => {});
    await server.stop();
  }
}

/** The wire forms of the confirm answer, both ending in bytes as they would on a socket. */
async function serialization(measure: Measure): Promise<TimedMicroRow[]> {
  const codec = protoCodecs(Checkout).confirm;
  const jsonRoundTrip = () => JSON.parse(Buffer.from(JSON.stringify(CONFIRM_ANSWER)).toString('utf8'));
  const protoRoundTrip = () => codec.decodeResponse(codec.encodeResponse(CONFIRM_ANSWER));
  for (const [what, roundTrip] of [['JSON', jsonRoundTrip], ['protobuf', protoRoundTrip]] as const) {
    if (!isDeepStrictEqual(roundTrip(), CONFIRM_ANSWER)) throw new Error(`${what} round trip changed the confirm answer`);
  }
  return [
    await measure({ name: 'JSON encode+decode', kind: 'serialization', transport: 'json', bytes: Buffer.byteLength(JSON.stringify(CONFIRM_ANSWER)) }, jsonRoundTrip),
    await measure({ name: 'protobuf encode+decode', kind: 'serialization', transport: 'protobuf', bytes: codec.encodeResponse(CONFIRM_ANSWER).length }, protoRoundTrip),
  ];
}

/** One connection, the simple query protocol: the smallest round trip a service can make. */
async function selectOne(pgUrl: string, measure: Measure): Promise<TimedMicroRow> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return await measure({ name: 'Postgres round trip (SELECT 1)', kind: 'database', transport: 'pg' }, () => client.query('SELECT 1'));
  } finally {
    await client.end().catch(() => {});
  }
}

/** A transport that answers fast but wrongly would make a flattering row: check one answer first. */
async function expectEcho(call: Handler, transport: string) {
  const answer = await call(CONFIRM_ANSWER, newCtx('micro-check', 5_000, 'bench'));
  if (!isDeepStrictEqual(answer, CONFIRM_ANSWER)) throw new Error(`${transport} echo answered ${JSON.stringify(answer)}`);
}

async function timeOne(name: string, fn: Fn, timeS: number) {
  const bench = new Bench({
    // In tinybench's sequential mode both warm-up limits are minimums: the warm-up ends when both are met.
    name, time: timeS * 1_000, warmupTime: microWarmupMs(timeS), warmupIterations: MICRO_WARMUP_MIN_CALLS,
    // hrtime keeps whole nanoseconds, which the sub-microsecond in-process row needs. Each sample
    // includes one timer read (tens of ns); it is not subtracted because its calibrated estimate
    // varies run to run by as much as it is worth, which would move the in-process row by noise.
    timestampProvider: 'hrtimeNow',
    throws: true,
  });
  bench.add(name, fn);
  const [task] = await bench.run();
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`micro benchmark "${name}" ended ${result.state}`);
  return result;
}

type Completed = Awaited<ReturnType<typeof timeOne>>;

/** tinybench reports milliseconds; rows are in microseconds (to the nanosecond). */
function toRow(spec: RowSpec, r: Completed): TimedMicroRow {
  const us = (ms: number) => Math.round(ms * 1_000_000) / 1_000;
  return {
    name: spec.name, kind: spec.kind, transport: spec.transport,
    samples: r.latency.samplesCount,
    p50Us: us(r.latency.p50), p99Us: us(r.latency.p99), p999Us: us(r.latency.p999), meanUs: us(r.latency.mean),
    // One call in flight, so the rate is the reciprocal of the mean (tinybench's own throughput
    // statistic averages per-sample rates, which overstates it).
    opsPerS: Math.round(1_000 / r.latency.mean),
    ...(spec.bytes !== undefined ? { bytes: spec.bytes } : {}),
  };
}
