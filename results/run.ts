// The results format (results/<run-id>/run.json), written by the bench (scripts/) and read by the
// report (reports/) and the gate: neither side owns it, so it lives here, beside the runs. Versioned:
// readers reject other versions (run-file.ts reads and validates it).
import type { CellStart } from '../targets/db/cell-start.js';
import type { InvariantReport } from '../targets/db/invariant-report.js';
import type { Scenario } from '../scenarios/scenario.js';
import type { FloorRow } from './floor.js';
import type { RequestRecord } from './fault-windows.js';
import type { LinkProfile } from '../scenarios/links.js';
import type { PriceTable } from '../scenarios/prices.js';
import type { Bill } from './bill.js';

/** 2: full invariant reports on saturation and sweep rows, events, lower bounds, dropped sends as errors; later, optional: floor, faults. */
export const SCHEMA_VERSION = 2;

/** The machine a run measured on (scripts/bench/environment.ts reads it). */
export interface Environment {
  hostname: string; os: string; node: string; cpuModel: string; cores: number; memoryGb: number;
  loadAverage: number[]; gitSha: string; gitDirty: boolean; startedAt: string;
}

/** One run: everything `npm run bench` measured, on one machine, in one go. */
export interface RunResult {
  schemaVersion: typeof SCHEMA_VERSION;
  runId: string;
  environment: Environment;
  config: RunConfig;
  /** Wiring × trial under the run's scenario; trials are interleaved across wirings. */
  cells: Cell[];
  /** Runs against an already running gateway (--target): driver results only. */
  target: DriverResult[];
  micro: MicroRow[];
  /** Closed-model maximum throughput per wiring (absent when the run did not look for it). */
  saturation?: SaturationRow[];
  /** Open-model latency at fractions of the monolith's maximum throughput (absent when not swept). */
  sweep?: SweepPoint[];
  /** The bare chain beside each remote wiring (--floor; absent in runs without it): the floor of its per-hop overhead. */
  floor?: FloorRow[];
  finishedAt: string;
}

export interface RunConfig {
  profile: string; scenario: Scenario; wirings: string[]; trials: number; driver: string; target: string | null;
  /** The link profile on every process → process boundary, as asked and as applied (absent in runs before link profiles). */
  link?: LinkProfile & { applied: { rttMs: number; jitterMs: number }; proxy?: ProxyCost };
  /** The price table every cell's bill used (absent in runs before the bill). */
  prices?: PriceTable;
  db: string;
  /** How every cell's databases are brought to their starting state ("template clone + checkpoint", or reseeding); absent in older runs. */
  cellStart?: string;
  injectDelay: string; method: string;
}

export interface Cell {
  wiring: string;
  scenario: string;
  trial: number;
  processes: number;
  startupMs: number;
  /** strictContracts: in-process calls checked against their contracts (tests); absent in run.json files before it existed. */
  settings: { poolMax: number; httpConnections: number; injectDelay: string; strictContracts?: boolean; processes: number };
  /** How the cell's databases were brought to their starting state (absent in runs written before it was recorded). */
  start?: CellStart;
  driver: DriverResult;
  cost: CostResult;
  edges: EdgeResult[];
  /** Checkout requests by how many remote calls they made and how many of those were slow (absent: no remote call to or from checkout, or per-call records dropped). */
  tail?: TailSample;
  invariants: InvariantReport;
  /** Commit → consumed of the events created in the measured window (absent: run.json written before this was measured). */
  events?: EventLatency;
  /** The scenario's fault timeline as this cell ran it (absent: the scenario has no faults). */
  faults?: FaultsResult;
  /** The link profile every process → process boundary carried (absent: none, loopback as is); rtt and jitter as applied (whole ms). */
  linkApplied?: { name: string; rttMs: number; jitterMs: number; boundaries: number };
  /** What the cell's use would cost at config.prices (absent in runs before the bill). */
  bill?: Bill;
}

/** A cell under faults (scripts/bench/faults.ts): what each fault did, second by second, and what it left behind. */
export interface FaultsResult {
  windows: FaultWindowResult[];
  /** One row per second of the measured phase, by intended send time (t = 0 at the end of the warm-up). */
  timeline: TimelineSecond[];
  /** Requests the driver sent again with the same idempotency key after a timeout, a 5xx or a cut connection. */
  clientRetries: number;
  /** Idempotent calls a stub tried again inside the system, and retries its process's budget refused. */
  serviceRetries: number;
  retriesRefused: number;
  /** Checkouts the client finally saw fail (after its retries), and how many of them have an order after the relay drained: must be 0. */
  failedCheckouts: number;
  failedButPlaced: number;
  /** The cost of the proxies themselves with no toxic (absent: the wiring has no proxied boundary in this run). */
  proxy?: ProxyCost;
}

/** One fault as it ran (scripts/bench/faults.ts): what the scenario aimed it at, and what it hit. */
export interface FaultSpan {
  kind: string;
  /** What the scenario aimed it at: a link "checkout→warehouse", a service (kill), a domain (slow-db, db-restart). */
  target: string;
  /** Relative to the start of the measured phase, as the scenario set them. */
  atS: number;
  durationS: number;
  /** Why the fault did not apply to this wiring (e.g. no boundary between the two in the monolith); absent when it ran. */
  skipped?: string;
  /** What it acted on: proxies ("checkout→warehouse", "warehouse→db logistics") or processes ("process payment"). */
  appliedTo: string[];
  /** kill: from SIGKILL until the restarted process was ready again (its downtime included). */
  restartMs?: number;
}

export interface FaultWindowResult extends FaultSpan {
  /** The seconds before the fault (since the previous one ended), during it, and after it (until the next one or the end). */
  before: WindowStats;
  during: WindowStats;
  after: WindowStats;
  /** Seconds from the fault's end to the first second whose p99 and error rate are back within 10 % of `before`; null: not within the run. */
  recoveryS: number | null;
}

export interface WindowStats { requests: number; errorRate: number; errors: Record<string, number>; p50Ms: number; p99Ms: number; }

export interface TimelineSecond {
  tS: number;
  /** Requests whose intended send time fell in this second, and how each finally ended (as the user saw it, after the driver's retries). */
  requests: number;
  ok: number;
  errors: Record<string, number>;
  /** Requests of this second that needed at least one retry. */
  retried: number;
  /** Of the answered requests (timeouts included at their timeout), from the first attempt's intended send time; 0 when none. */
  p50Ms: number;
  p99Ms: number;
}

/** Round trips of a small echo straight to a server and through one Toxiproxy proxy with no toxic, alternating. */
export interface ProxyCost { probes: number; directUs: { p50: number; p99: number }; proxiedUs: { p50: number; p99: number }; addedUs: { p50: number; p99: number }; }

/**
 * The asynchronous side of a cell (scripts/bench/event-latency.ts): per subscriber and for every event
 * until its last subscriber, over the events created in the measured window (outbox order).
 */
export interface EventLatency {
  events: number;
  /** Events per second created over the window (first to last insert). */
  arrivalPerS: number;
  /** Events of the window not yet consumed by every subscriber when the window ended. */
  backlogAtEnd: number;
  /** Each event until its last subscriber had consumed it. */
  all: SubscriberLatency;
  subscribers: SubscriberLatency[];
  /** Where the times come from. */
  clock: string;
}

/** The relay fell behind when more events of the window were still undelivered at its end than arrive in this long. */
export const BEHIND_AFTER_S = 1;

export const relayFellBehind = (e: EventLatency) => e.backlogAtEnd > e.arrivalPerS * BEHIND_AFTER_S;

export interface SubscriberLatency {
  subscriber: string;
  latencyMs: { p50: number; p99: number; max: number; count: number };
  /** HdrHistogram of commit → consumed in µs, compressed base64. */
  histogram: string;
  /** Events this subscriber should have consumed and had not when they were read (after the invariants' drain). */
  missing: number;
}

/**
 * Tail at scale, measured: over the measured window, every request that made a remote call to or from
 * checkout, counted by its number of remote calls and by how many of them took longer than that edge's
 * own p99 (nearest rank over all the edge's calls in the window). Compared in the report with 1 − 0.99^k,
 * which assumes the k calls are slow independently.
 */
export interface TailSample {
  requests: number;
  /** Requests by number of remote calls: { "11": 480, "13": 20 }. */
  callsPerRequest: Record<string, number>;
  /** Requests by number of calls slower than their edge's p99: { "0": 450, "1": 45, "2": 5 }. */
  slowCallsPerRequest: Record<string, number>;
}

/** autocannon, closed model: `connections` requests always in flight, its rate-based correction off. */
export interface SaturationRow {
  wiring: string;
  scenario: string;
  connections: number;
  durationS: number;
  /** Successful requests per second: the wiring's maximum throughput on this machine. */
  maxRps: number;
  /** Closed-model latency (service time, not corrected for coordinated omission). */
  latencyMs: { p50: number; p99: number; max: number };
  errors: number;
  errorKinds: Record<string, number>;
  /** Timed out ÷ every request (closed model: nothing is dropped); over 1 %: latencyMs is a lower bound. */
  droppedOrTimedOutShare?: number;
  lowerBound?: boolean;
  cost: CostResult;
  start?: CellStart;
  /** The invariants after the saturation run. */
  invariants: InvariantReport;
  /** Commit → consumed at this wiring's maximum checkout rate: whether its relay kept up. */
  events?: EventLatency;
}

/** One point of the latency-vs-offered-load curve (open model). */
export interface SweepPoint {
  wiring: string;
  scenario: string;
  /** Offered rate as a fraction of the monolith's maximum throughput (e.g. 0.5). */
  fraction: number;
  offeredRps: number;
  achievedRps: number;
  latencyMs: LatencyMs;
  errors: number;
  dropped: number;
  late: number;
  /** Over 1 % of this point's sends dropped or timed out: latencyMs is a lower bound. */
  lowerBound?: boolean;
  start?: CellStart;
  /** The invariants after the whole sweep of this wiring (the same report on each of its points). */
  invariants: InvariantReport;
  /** Commit → consumed over this point's measured window. */
  events?: EventLatency;
}

export interface LatencyMs { p50: number; p90: number; p99: number; p999: number; p9999: number; max: number; mean: number; count: number; }

/** What the open-loop driver measured for one workflow (or for all of them together: workflow "all"). */
export interface WorkflowResult {
  workflow: string;
  /** Coordinated-omission corrected: from the intended send time to the end of the response. Answers of any status, and timeouts (at their timeout: the answer never came); a refused or broken connection and a dropped send have no latency, they are only counted in errors. */
  latencyMs: LatencyMs;
  /** From the actual send to the end of the response (what a closed-loop tool would report). */
  serviceTimeMs: LatencyMs;
  /** HdrHistogram of latency in µs, compressed base64 (hdr-histogram-js encodeIntoCompressedBase64). */
  histogram: string;
  ok: number;
  /** Errors by kind: "status 409 OUT_OF_STOCK", "timeout", "connection", "dropped" (a send refused at maxInFlight: no latency), … */
  errors: Record<string, number>;
  /** (errors.dropped + errors.timeout) ÷ every send of this workflow (absent in runs written before it existed). */
  droppedOrTimedOutShare?: number;
  /** droppedOrTimedOutShare > 1 %: the percentiles above are lower bounds ("≥ 41 ms"); see lower-bound.ts. */
  lowerBound?: boolean;
}

export interface DriverResult {
  driver: 'builtin' | 'autocannon' | 'k6';
  offeredRps: number;
  achievedRps: number;
  durationS: number;
  warmupS: number;
  sent: number;
  /** Sends that could not start because maxInFlight requests were outstanding (k6's dropped_iterations); also each workflow's errors.dropped. */
  dropped: number;
  /** Sends that started more than lateThresholdMs after their intended time (started = taken by a connection, so waiting for a free one counts). */
  late: number;
  lateThresholdMs: number;
  /** How late the driver itself was at sending: its own health, not the system's. */
  schedulingLagMs: LatencyMs;
  /** Time from the driver's send to a connection taking the request (k6's http_req_blocked): queueing in the driver's pool, part of the latency. */
  connectionWaitMs?: LatencyMs;
  /** HTTP/1.1 connections the driver may open (they shape the tail: record them). */
  connections?: number;
  driverCpuS: number;
  workflows: WorkflowResult[];
  warnings: string[];
  /** Threshold verdicts, for drivers that evaluate thresholds themselves (k6: "metric{tags}: expression"). */
  thresholds?: { name: string; ok: boolean }[];
  /** Requests sent again by the driver as a client would (scenario `retry`), measured phase; absent without client retries. */
  clientRetries?: number;
  /** Every measured request's final outcome and the checkouts that finally failed: asked for by fault runs, turned into `Cell.faults`, never written to run.json. */
  requests?: RequestRecord[];
  failedCheckouts?: FailedCheckout[];
}

/** A checkout the client finally saw fail: its order id follows from the customer and the key (checkout's `orderIdOf`). */
export interface FailedCheckout { customer: number; idempotencyKey: string; }

export interface EdgeResult {
  from: string; to: string; transport: string; calls: number; errors: number;
  rttUs: { p50: number; p99: number }; handlerUs: { p50: number; p99: number }; overheadUs: { p50: number; p99: number };
  requestBytesMean: number; responseBytesMean: number;
  /** Calls tried again by the stub (idempotent methods only), and retries the process's budget refused (absent in runs before retries existed). */
  retries?: number; retriesRefused?: number;
  /** The caller's round trips in µs over the measured window, HdrHistogram compressed base64 (absent in runs written before it was kept). */
  rttHistogram?: string;
}

export interface CostResult {
  processes: number;
  /** CPU seconds of every service process of the wiring per 1,000 requests (database separately). */
  cpuSPer1kRequests: number;
  dbCpuSPer1kRequests: number | null;
  rssPeakMbSum: number;
  /** Each process over the measured window: CPU seconds and peak RSS (absent in runs written before it was kept). */
  perProcess?: { group: string; cpuS: number; rssMb: number }[];
}

export type MicroRow = TimedMicroRow | OutboxMicroRow;

/**
 * The outbox relay's capacity: a backlog of `events` (order.created + order.paid, written at once)
 * drained by one wiring's relay. `durationS` runs from the backlog's commit to the last event marked
 * done, both read from the database's clock.
 */
export interface OutboxMicroRow {
  name: string;
  kind: 'outbox';
  /** The wiring whose relay drained it. */
  transport: string;
  events: number;
  durationS: number;
  eventsPerS: number;
  /** Events the relay claims per batch. */
  batchSize: number;
  invariantsOk: boolean;
}

/** One micro benchmark (tinybench, one call in flight): the measured version of an estimated cost. */
export interface TimedMicroRow {
  name: string;
  kind: 'hop' | 'serialization' | 'database';
  transport: string;
  samples: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  meanUs: number;
  /** One call in flight: 1 / mean latency. */
  opsPerS: number;
  /** Encoded size of the payload (serialization rows). */
  bytes?: number;
}
