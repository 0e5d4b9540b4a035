// The extraction study's document (results/<run-id>/advise.json), written by `npm run advise`
// (scripts/advise/) and drawn by the Extraction page (reports/advise-page.ts): neither side owns it, so
// it lives here with run.json's types. Versioned: readers reject other versions.
import type { Cell, Environment, ProxyCost } from './run.js';
import type { Scenario } from '../scenarios/scenario.js';
import type { LinkProfile } from '../scenarios/links.js';
import type { PriceTable } from '../scenarios/prices.js';
import type { Bill } from './bill.js';
import type { RankedBy } from './advise-rank.js';

export const ADVISE_SCHEMA_VERSION = 1;

export interface AdviseResult {
  schemaVersion: typeof ADVISE_SCHEMA_VERSION;
  runId: string;
  environment: Environment;
  config: AdviseConfig;
  /** Every measured cell in the order it ran, each tagged with its part in the study. */
  cells: StudyCell[];
  /** Per link profile: every candidate against its neighbouring monolith trials. */
  candidates: CandidateResult[];
  /** Per link profile: the greedy ladder, cheapest extraction first, up to services/<transport>. */
  ladders: Ladder[];
  /** One hop of the study's transport alone (no database, 1 in flight): the floor any boundary pays. */
  hopFloor: { transport: string; p50Us: number; p99Us: number; samples: number };
  /** What one Toxiproxy proxy with no toxic added per round trip (present when a link profile added anything). */
  proxy?: ProxyCost;
  finishedAt: string;
}

export interface AdviseConfig {
  profile: string;
  transport: string;
  /** The candidates, as asked (default: every service but the gateway). */
  services: string[];
  links: LinkProfile[];
  prices: PriceTable;
  scenario: Scenario;
  /** Monolith and candidate trials per candidate, and whether the ladder ran. */
  trials: number;
  ladder: boolean;
  /** How the deltas, intervals, ranking and bill are computed, in words. */
  method: string;
  /** What this profile's trial length can resolve, in words (e.g. "p99 is the largest of ~50 checkouts"). */
  precision: string;
  /** Two-sided level of every interval (0.9 = 5 % left on each side). */
  confidence: number;
}

export type StudyRole = 'monolith' | 'candidate' | 'ladder';

export interface StudyCell extends Cell {
  role: StudyRole;
  /** The link profile's name every remote boundary of this cell carried. */
  link: string;
  /** The services outside the main process (none for the monolith). */
  extracted: string[];
  /** The cell's bill (scenarios/prices.json × what it measured). */
  bill: Bill;
}

/** Candidate − monolith, with an interval at config.confidence. */
export interface Delta { value: number; low: number; high: number }

/** The workflow that carries the money: checkout when the mix sends it, else every request. */
export const moneyPath = (cells: Pick<StudyCell, 'driver'>[]) => (cells.some((c) => c.driver.workflows.some((w) => w.workflow === 'checkout')) ? 'checkout' : 'all');

/** Within the noise: the interval holds zero (or there is none). */
export const withinNoise = (d: Delta) => !(d.low > 0 || d.high < 0);

export interface WorkflowDelta {
  workflow: string;
  /** Medians over the trials on each side, ms. */
  monolith: { p50Ms: number; p99Ms: number };
  candidate: { p50Ms: number; p99Ms: number };
  p50Ms: Delta;
  p99Ms: Delta;
  /** Answers counted on each side (what the percentiles rest on). */
  samples: { monolith: number; candidate: number };
}

/** The calls and bytes that cross the new boundary (measured edges between the main process and the satellite). */
export interface Crossing {
  /** Synchronous calls per request of the mix, on or off the request path. */
  callsPerRequest: number;
  /** Calls per checkout sent (the money path); from the cell's edges ÷ checkouts when the mix is checkout only, else null. */
  callsPerCheckout: number | null;
  /** Event deliveries (outbox relay → subscriber, and what a subscriber calls while handling them) per request. */
  eventCallsPerRequest: number;
  /** Request + response payload bytes per request (headers not counted), calls and events together. */
  bytesPerRequest: number;
  edges: { from: string; to: string; calls: number; event: boolean; rttP50Us: number }[];
}

export interface CandidateResult {
  service: string;
  link: string;
  wiring: string;
  workflows: WorkflowDelta[];
  /** CPU-seconds per 1,000 requests, every service process plus the database. */
  cpuSPer1kRequests: Delta;
  rssMb: Delta;
  /** $ per million orders, candidate − monolith (point value; from the medians of each side's bills). */
  usdPerMillionOrders: { monolith: number; candidate: number; delta: number };
  crossing: Crossing;
  /** Every cell of this candidate kept its invariants (and so did its monolith neighbours). */
  invariantsOk: boolean;
  /** 1 = cheapest under this link profile, by what the study resolved (advise-rank.ts); equal ranks tie. */
  rank: number;
  /** What decided the rank: the money path's p99 delta, its p50 delta (p99 unresolved), or nothing resolved. */
  rankedBy: RankedBy;
  /** The same by the resolved CPU delta. */
  rankByCpu: number;
  /** One sentence: what the extraction costs, and whether that is beyond the noise. */
  verdict: string;
}

export interface LadderStep {
  processes: number;
  wiring: string;
  /** The service this step took out of the main process (none for step 1, the monolith). */
  added: string | null;
  checkout: { p50Ms: number; p99Ms: number };
  all: { p50Ms: number; p99Ms: number };
  cpuSPer1kRequests: number;
  /** Cores the services and database kept busy (CPU-s per request × requests per s): near the machine's count, queueing for CPU is part of the latency. */
  coresBusy: number;
  rssMb: number;
  usdPerMillionOrders: number;
  invariantsOk: boolean;
}

export interface Ladder { link: string; steps: LadderStep[] }
