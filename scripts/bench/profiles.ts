// npm run bench's profiles (how long, how many trials), the order its open-model cells run in, and the
// plan's estimate of a cell's length: what the CLI runs, kept apart from it so that tests can hold it.

/** Closed-model saturation runs (autocannon): requests in flight per wiring, and their length. */
export const SATURATION = { connections: 32, warmupS: 2, durationS: 6 };
/** Sweep rates as fractions of the monolith's maximum throughput. */
export const SWEEP_FRACTIONS = [0.1, 0.25, 0.5, 0.75, 0.9];
export const SWEEP_POINT = { warmupS: 2, durationS: 6 };

export const PROFILES = {
  /** ≤ 90 s on 2 cores: short runs, few samples — a quick look, not a verdict. */
  quick: { scenario: 'checkout-steady', durationS: 6, warmupS: 2, trials: 1, microS: 0.3, relayEvents: 5_000, saturation: false, sweep: false, floor: false },
  /**
   * ≤ 6 minutes on 2 cores: the default comparison, with each wiring's maximum throughput. Three rounds of
   * every wiring rather than one long trial: a trial a minute later moves ±22 % at p50 and ±34 % at p99
   * here, and only repeats show that spread, so every ratio gets an interval from its rounds.
   */
  default: { scenario: 'checkout-steady', durationS: 8, warmupS: 2, trials: 3, microS: 1, relayEvents: 50_000, saturation: true, sweep: false, floor: false },
  /** What the CI gate needs: interleaved repeated trials per cell. */
  ci: { scenario: 'checkout-steady', durationS: 8, warmupS: 2, trials: 5, microS: 0.5, relayEvents: 5_000, saturation: false, sweep: false, floor: false },
  /** The scenario file as written, no shortening, plus saturation and the latency-vs-load sweep. */
  full: { scenario: 'checkout-steady', durationS: undefined, warmupS: undefined, trials: 1, microS: 2, relayEvents: 50_000, saturation: true, sweep: true, floor: true },
} as const;
export type Profile = keyof typeof PROFILES;

/** A cell's planned length: warm-up, measured time and ~8 s to start the wiring, clone its databases and check invariants. */
export const cellPlanS = (c: { warmupS: number; durationS: number }) => c.warmupS + c.durationS + 8;

/**
 * Every wiring once per round, round after round: a wiring's trials are spread over the run, so a
 * drift of the machine lands on every wiring alike, and each round is one replicate of the comparison
 * (results/ratio-interval.ts pairs the wirings by round).
 */
export function rounds(wirings: string[], trials: number): { wiring: string; trial: number }[] {
  return Array.from({ length: trials }, (_, t) => wirings.map((wiring) => ({ wiring, trial: t + 1 }))).flat();
}
