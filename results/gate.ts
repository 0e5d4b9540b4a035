// The gate's verdict (gate.json), written by npm run gate (scripts/gate/) and drawn by the A/B page
// (reports/ab-page.ts): neither side owns the document, so its types live here with run.json's.

export const GATE_SCHEMA_VERSION = 1;

/** How a same-job A/B's paired ratios get their interval (scripts/gate/paired.ts). */
export const STATISTICS = ['bootstrap', 'student-t', 'sign'] as const;
export type Statistic = (typeof STATISTICS)[number];

export interface GateSettings {
  /** Smallest change that counts, as a fraction (0.1 = 10 %). */
  minEffect: number;
  /** Family-wise: the chance that unchanged code fails the gate is at most 1 − confidence. */
  confidence: number;
  /** How much whole runs on one machine differ (log-normal spread, 0.03 ≈ 3 %), allowed for in absolute comparisons. */
  runDrift: number;
  /** The interval of a same-job A/B's paired ratios (scripts/gate/paired.ts); default bootstrap. */
  statistic?: Statistic;
  /**
   * How many times a sequential A/B may look at its pairs before it stops (1 + the pairs it may add):
   * each look spends its share of the false-alarm budget (Bonferroni over looks), so peeking cannot
   * raise the promised rate.
   */
  looks?: number;
}

export interface RunRef {
  file: string; runId: string; gitSha: string; startedAt: string; profile: string;
  cpuModel: string; cores: number; node: string; loadAverage: number[]; injectDelay: string;
}

/** gate.json */
export interface GateResult {
  schemaVersion: typeof GATE_SCHEMA_VERSION;
  pass: boolean;
  /** One line: why it passed or failed. */
  summary: string;
  scenario: string;
  baseline: RunRef;
  candidate: RunRef;
  settings: GateSettings & { gatedChecks: number; perCheckConfidence: number };
  method: string;
  warnings: string[];
  comparisons: Comparison[];
  budgets: BudgetCheck[];
  /** Candidate cells whose invariants broke: a broken run fails whatever its latency. */
  broken: string[];
  /** Set by a same-job A/B (scripts/gate/ab.ts): both sides measured in one run, trials paired. */
  ab?: { baseSha: string; candidateSha: string; candidateDirty: boolean; pairs: number; order: string; maxPairs?: number; stopped?: string };
}

export interface Interval { value: number; low: number; high: number }

export type Metric = 'p99' | 'p50' | 'throughput' | 'p99 ÷ monolith';
export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'too few samples';

/** Which sides' latency is only a lower bound; `monolith`: the divisor of a p99 ÷ monolith (which makes the ratio an upper bound). */
export interface LowerBounds { baseline: boolean; candidate: boolean; monolith?: boolean; }

export interface Comparison {
  wiring: string;
  /** A workflow, or for an edge its "caller → callee". */
  workflow: string;
  /** The caller's round trip of one remote call (scripts/gate/edges.ts), not a request. */
  edge?: boolean;
  metric: Metric;
  unit: 'ms' | 'ok/s' | '×';
  /** Whether a regression here fails the gate (absolute times only gate between like machines). */
  gated: boolean;
  /** Medians over trials. */
  baseline: number | null;
  candidate: number | null;
  /** Candidate ÷ baseline with its interval. */
  ratio: Interval | null;
  verdict: Verdict;
  note?: string;
  /** Latency of a side with > 1 % of a trial's sends dropped or timed out: shown as "≥ …". */
  lowerBound?: LowerBounds;
}

/** borderline: the interval straddles the limit — reported, not failed. */
export type BudgetVerdict = 'met' | 'missed' | 'borderline' | 'not measured';

export interface BudgetCheck {
  wiring: string;
  workflow: string;
  /** As the scenario file says it, e.g. "p99Ms ≤ 200", "p99TimesMonolith ≤ 4". */
  budget: string;
  limit: number;
  unit: 'ms' | '×' | 'share';
  value: Interval | null;
  verdict: BudgetVerdict;
  note?: string;
  /** The candidate's latency is only "at least" (> 1 % of a trial's sends dropped or timed out). */
  lowerBound?: boolean;
  /** Same-job A/B: the base misses this budget too — reported, not failed (scripts/gate/verdict.ts). */
  preexisting?: boolean;
}

/** A ratio as a change: 1.38 → "+38 %", 0.9 → "−10 %" (the gate's summary and the A/B page say it alike). */
export const signedPercent = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.abs((ratio - 1) * 100).toFixed(0)} %`;
