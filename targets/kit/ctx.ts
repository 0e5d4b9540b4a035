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
/** The longest time a request may ask for (front door's x-timeout-ms, a service's x-deadline-ms or gRPC deadline). */
export const MAX_TIMEOUT_MS = 60_000;

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

/**
 * The same request and caller with a deadline of its own, from now: for work that must run even when
 * the request's deadline is what failed it (a compensation, settling an attempt).
 */
export const detached = (ctx: Ctx, ms: number): Ctx => ({ ...ctx, deadline: Date.now() + ms });

/**
 * work's result, or expired()'s when the ctx's deadline comes first: the caller stops waiting, the work
 * goes on (a saga past its pivot finishes without its caller).
 */
export function raceDeadline<T>(work: Promise<T>, ctx: Ctx, expired: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<T>((resolve) => { timer = setTimeout(() => resolve(expired()), Math.max(0, remainingMs(ctx))); });
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}

export const asCaller = (ctx: Ctx, caller: string): Ctx => (ctx.caller === caller ? ctx : { ...ctx, caller });

/** A caller's remaining time as received on the wire: milliseconds in (0, MAX_TIMEOUT_MS]; anything else names what came. */
export function parseTimeoutMs(raw: string | string[] | undefined, header: string): number | undefined {
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw.join(', ') : raw;
  const ms = /^\d{1,9}(\.\d{1,6})?$/.test(text) ? Number(text) : NaN;
  if (!(ms > 0 && ms <= MAX_TIMEOUT_MS)) {
    throw new ServiceError('INVALID_ARGUMENT', 'INVALID_INPUT', `${header}: expected milliseconds in 1…${MAX_TIMEOUT_MS}, got "${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`);
  }
  return ms;
}

/** Request ids travel in HTTP headers and gRPC metadata: visible ASCII only, so every transport can carry them. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

export function parseRequestId(raw: unknown, header: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && REQUEST_ID.test(raw)) return raw;
  const text = Array.isArray(raw) ? raw.join(', ') : String(raw);
  throw new ServiceError('INVALID_ARGUMENT', 'INVALID_INPUT', `${header}: expected 1–128 visible ASCII characters, got ${text.length} characters`);
}
