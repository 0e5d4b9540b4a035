// Call context: travels with every call. The deadline is absolute on this machine's clock; remote
// transports send the *remaining* time so clock offsets between processes never matter.
import { ServiceError } from './errors.js';

export interface Ctx {
  /** Absolute deadline, Date.now() milliseconds. */
  deadline: number;
  requestId: string;
  /** The service making the next call from this context (per-hop edges are caller → callee). */
  caller: string;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

export function newCtx(requestId: string, timeoutMs = DEFAULT_TIMEOUT_MS, caller = 'client'): Ctx {
  return { deadline: Date.now() + timeoutMs, requestId, caller };
}

export const remainingMs = (ctx: Ctx) => ctx.deadline - Date.now();

/** Every call checks what is left before it starts: an expired request does no further work. */
export function ensureTime(ctx: Ctx, what: string): number {
  const left = remainingMs(ctx);
  if (left <= 0) throw new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', `deadline exceeded before ${what}`);
  return left;
}

export const asCaller = (ctx: Ctx, caller: string): Ctx => (ctx.caller === caller ? ctx : { ...ctx, caller });
