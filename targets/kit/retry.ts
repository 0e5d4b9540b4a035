// Whether and when a client stub tries a call again (envelope.ts remoteStub). A retry is extra load
// sent exactly when a callee struggles, so each one must be safe (the contract says idempotent), useful
// (the call may not have reached a healthy callee), in time (it can finish before the deadline) and
// paid for (the process's budget keeps retries a small share of its calls, however many stubs fail at once).
import { detached, type Ctx } from './ctx.js';
import { ServiceError, TransportError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The wait before retry n is uniform in [0, min(capMs, baseMs·2^(n−1))): full jitter, so callers that failed together do not retry together. */
  baseMs: number;
  capMs: number;
  /** The least round trip a retry is assumed to take: the estimate before any call succeeded, and below which a retry would reach its callee with too little time to do anything. */
  floorMs: number;
  /** Weight of the newest successful round trip in the method's estimate. */
  weight: number;
  /** In [0, 1); injectable so tests can fix the backoff. */
  random: () => number;
}

/**
 * Three attempts: a reset connection usually fails one call, and a pool whose idle connections all
 * died at once may fail two; past that the callee is down, not flaky, and more attempts only add load.
 * 5 ms doubling: two retries wait 15 ms at most, little next to a request's 5 s default deadline, yet
 * spread enough that callers that failed together do not come back together; the 100 ms cap only
 * matters if attempts are raised. The estimate follows the last ~5 successes: it forgets a slow spell
 * quickly and one outlier moves it by a fifth.
 */
export const RETRY_POLICY: RetryPolicy = { attempts: 3, baseMs: 5, capMs: 100, floorMs: 2, weight: 0.2, random: Math.random };

/**
 * Failures that may not have reached a healthy callee: this hop's own transport failed, or the callee
 * said it is unavailable. A TRANSPORT reason that came back as an answer is a hop further down that
 * failed and was already retried there (and budgeted there); retrying it here too would multiply
 * attempts with every layer. A business error, bad input or a lost deadline would fail the same way again.
 */
export const mayRetry = (err: unknown): boolean =>
  err instanceof TransportError || (err instanceof ServiceError && err.code === 'UNAVAILABLE' && err.reason !== 'TRANSPORT');

/**
 * The process's retry budget, shared by every stub it builds (gRPC's retry throttling, Finagle's
 * RetryBudget): every first attempt earns 1/callsPerRetry of a retry, every retry spends one, so retries
 * add at most ~10 % of calls (plus the tokens held) during an outage. It starts with a few tokens, so a
 * lone failure before much traffic can still be retried. Counted in whole units: 0.1 added ten times is not 1.
 */
export class RetryBudget {
  private readonly perRetry: number;
  private readonly max: number;
  private units: number;

  constructor({ maxTokens = 10, initialTokens = 3, callsPerRetry = 10 } = {}) {
    this.perRetry = callsPerRetry;
    this.max = maxTokens * callsPerRetry;
    this.units = Math.min(this.max, initialTokens * callsPerRetry);
  }

  /** A first attempt. */
  deposit() { if (this.units < this.max) this.units++; }

  /** A retry: false when the budget cannot pay for it. */
  withdraw(): boolean {
    if (this.units < this.perRetry) return false;
    this.units -= this.perRetry;
    return true;
  }

  get tokens() { return this.units / this.perRetry; }
}

/** One method's retry decisions: its own round-trip estimate, the process's budget. */
export class MethodRetry {
  private estimateMs: number | undefined;

  constructor(private readonly budget: RetryBudget, private readonly policy: RetryPolicy = RETRY_POLICY) {}

  succeeded(rttMs: number) {
    this.estimateMs = this.estimateMs === undefined ? rttMs : this.estimateMs + this.policy.weight * (rttMs - this.estimateMs);
  }

  /**
   * After failed attempt n (from 1): the milliseconds to wait before the next one; 'refused' when only
   * the budget stands in the way (worth counting: it is the budget at work); undefined when the failure
   * is not one to retry, the attempts are used up or the retry could not finish in the time left.
   */
  next(err: unknown, attempt: number, ctx: Ctx): number | 'refused' | undefined {
    const { attempts, baseMs, capMs, floorMs, random } = this.policy;
    if (attempt >= attempts || !mayRetry(err)) return undefined;
    const backoffMs = random() * Math.min(capMs, baseMs * 2 ** (attempt - 1));
    if (ctx.deadline - Date.now() < backoffMs + Math.max(floorMs, this.estimateMs ?? 0)) return undefined;
    return this.budget.withdraw() ? backoffMs : 'refused';
  }
}

/** Work that must finish whatever became of its caller (a saga past its pivot): how hard to try. */
export interface PersistPolicy {
  /** Attempts in all, each with a deadline of its own of attemptMs from its start. */
  attempts: number;
  attemptMs: number;
  /** The wait before retry n is backoffMs·2^(n−1). */
  backoffMs: number;
}

/**
 * Runs step until it succeeds, on a fresh deadline per attempt (the caller's may be long gone), at most
 * policy.attempts times. An error that final() calls the answer (a business error) ends it at once;
 * the last error is thrown when the attempts are used up.
 */
export async function persist<T>(ctx: Ctx, policy: PersistPolicy, final: (err: unknown) => boolean, step: (ctx: Ctx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(detached(ctx, policy.attemptMs));
    } catch (err) {
      if (attempt >= policy.attempts || final(err)) throw err;
      await new Promise((r) => setTimeout(r, policy.backoffMs * 2 ** (attempt - 1)));
    }
  }
}
