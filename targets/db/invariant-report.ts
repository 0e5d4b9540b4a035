// What the invariant checker found, and how to say it in one line. Kept apart from the checker (which
// needs pg) so that the report and the console can describe a stored run.

export interface InvariantCheck { name: string; ok: boolean; detail: string; }

/**
 * Where the outbox relay stood when the checks ran. Lag is not breakage: "behind" means events were
 * still being delivered when the wait ended (a slow relay); "stuck" means none was delivered for the
 * stall window (a relay that cannot deliver: a broken check).
 */
export interface OutboxState {
  state: 'drained' | 'behind' | 'stuck';
  /** Events not yet delivered to every subscriber when the wait ended. */
  undelivered: number;
  waitedS: number;
  /** Events delivered per second over the last stall window of the wait (0 when none was). */
  drainRatePerS: number;
}

export interface InvariantReport {
  ok: boolean;
  checks: InvariantCheck[];
  orders: number;
  events: number;
  /** Absent in run.json files written before the relay's state was recorded. */
  outbox?: OutboxState;
}

/** "OK", "OK, relay behind: …" or "BROKEN: <check>: <detail>" — the first failed check with its example. */
export function describeInvariants(r: InvariantReport): string {
  if (!r.ok) return `BROKEN: ${describeBreakage(r)}`;
  const lag = describeLag(r);
  return lag ? `OK, ${lag}` : 'OK';
}

/** The first failed check with its detail (which gives an example), and the names of any others. */
export function describeBreakage(r: InvariantReport): string {
  const failed = r.checks.filter((c) => !c.ok);
  if (failed.length === 0) return r.ok ? 'nothing failed' : 'failed (no check recorded)';
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more failed check${failed.length > 2 ? 's' : ''}: ${failed.slice(1).map((c) => c.name).join('; ')})` : '';
  return `${failed[0].name}: ${failed[0].detail}${more}`;
}

/** Undefined unless the relay was still delivering when the checker stopped waiting. */
export function describeLag(r: InvariantReport): string | undefined {
  return r.outbox?.state === 'behind' ? relayBehind(r.outbox, r.events) : undefined;
}

export const relayBehind = (o: OutboxState, events: number) =>
  `relay behind: ${o.undelivered} of ${events} events undelivered after waiting ${seconds(o.waitedS)} s, draining at ${o.drainRatePerS.toFixed(1)} events/s`;

export const seconds = (s: number) => (s < 10 ? s.toFixed(1) : s.toFixed(0));
