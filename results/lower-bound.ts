// When a percentile is only a lower bound. A dropped send (refused because maxInFlight requests were
// outstanding, or k6's dropped_iteration) has no latency at all, and a timed-out request's latency is
// its timeout, not its answer: both are the slowest requests, so once more than 1 % of a cell's sends
// ended that way its p99 (and p50 … max, which share the sample) says only "at least". Readers show it
// as "≥ 41 ms", never as a plain figure.

/** Above this share of sends dropped or timed out, a cell's percentiles are lower bounds. */
export const LOWER_BOUND_SHARE = 0.01;

/** Error kinds whose requests left no true latency in the histogram. */
export const UNMEASURED_KINDS = ['dropped', 'timeout'] as const;

/** Dropped + timed out ÷ every send of the window (ok + every error kind); 0 when nothing was sent. */
export function droppedOrTimedOutShare(ok: number, errors: Record<string, number>): number {
  const failed = Object.values(errors).reduce((a, b) => a + b, 0);
  const unmeasured = UNMEASURED_KINDS.reduce((t, k) => t + (errors[k] ?? 0), 0);
  return ok + failed > 0 ? unmeasured / (ok + failed) : 0;
}

/** What run.json carries per workflow (WorkflowResult) and per saturation row. */
export function tailHonesty(ok: number, errors: Record<string, number>): { droppedOrTimedOutShare: number; lowerBound: boolean } {
  const share = droppedOrTimedOutShare(ok, errors);
  return { droppedOrTimedOutShare: Math.round(share * 1e6) / 1e6, lowerBound: share > LOWER_BOUND_SHARE };
}

/** For runs written before the field existed, the same rule from their counts. */
export const isLowerBound = (w: { ok: number; errors: Record<string, number>; lowerBound?: boolean }): boolean =>
  w.lowerBound ?? droppedOrTimedOutShare(w.ok, w.errors) > LOWER_BOUND_SHARE;

/** "≥ 41 ms" for a lower bound, the figure as it is otherwise. */
export const atLeast = (figure: string, lowerBound: boolean | undefined): string => (lowerBound ? `≥ ${figure}` : figure);

/** The driver's warning for a cell whose percentiles are lower bounds. */
export function lowerBoundWarning(all: { droppedOrTimedOutShare?: number; errors: Record<string, number> }): string {
  const pct = +((all.droppedOrTimedOutShare ?? 0) * 100).toPrecision(3);
  return `${pct} % of the sends were dropped (${all.errors.dropped ?? 0}) or timed out (${all.errors.timeout ?? 0}): ` +
    'a dropped send has no latency and a timed-out one only its timeout, so every percentile of this cell is a lower bound (shown as "≥ …")';
}
