// Wraps every handler once, at registration, the same way for local and remote callers: check the
// deadline, apply an injected delay (off unless configured). A wrapped handler never throws
// synchronously: a transport that calls it outside a promise chain cannot be taken down by an expired deadline.
import type { Contract } from './contract.js';
import { ensureTime, remainingMs, type Ctx } from './ctx.js';
import { ServiceError } from './errors.js';

export type Handler = (input: any, ctx: Ctx) => Promise<any>;

/** An artificial handler delay: `ms` on `fraction` of a service's calls (1: every call). */
export interface InjectedDelay { ms: number; fraction: number }

const ENTRY = /^([a-z]+)=(\d+(?:\.\d+)?)(?:ms)?(?:@(\d+(?:\.\d+)?)%)?$/;

/**
 * Parses "warehouse=50,payment=5" (milliseconds on every call) and "warehouse=20ms@3%" (on 3 % of the
 * calls: a tail-only regression); throws naming the bad entry.
 */
export function parseInjectedDelays(spec: string | undefined): Record<string, InjectedDelay> {
  const delays: Record<string, InjectedDelay> = {};
  if (!spec) return delays;
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = ENTRY.exec(entry);
    if (!m) throw new Error(`inject-delay "${entry}": expected <service>=<milliseconds>[ms][@<percent>%], e.g. warehouse=20 (every call) or warehouse=20ms@3% (3 % of calls)`);
    const percent = m[3] === undefined ? 100 : Number(m[3]);
    if (!(percent > 0 && percent <= 100)) throw new Error(`inject-delay "${entry}": the share of calls must be more than 0 % and at most 100 %, got ${m[3]} %`);
    if (delays[m[1]]) throw new Error(`inject-delay "${entry}": ${m[1]} is given more than once`);
    delays[m[1]] = { ms: Number(m[2]), fraction: percent / 100 };
  }
  return delays;
}

/**
 * Which calls of a service get a partial delay: call n (counted per service and process) is delayed
 * when a hash of (service, n) falls below the fraction. Deterministic, so a rerun in the same call order
 * delays the same calls; hashed rather than every k-th call, so the delayed calls do not line up with
 * a workflow's fixed pattern of calls (a checkout's every third warehouse call, say).
 */
export function delayChooser(service: string, fraction: number): () => boolean {
  if (fraction >= 1) return () => true;
  let n = 0;
  const salt = hash32(service, 0x9e3779b9);
  return () => mix32(n++, salt) / 2 ** 32 < fraction;
}

/** murmur3's finalizer over (n, salt): a well-mixed 32-bit value per call number. */
function mix32(n: number, salt: number): number {
  let h = Math.imul(n ^ salt, 0x85ebca6b) ^ salt;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hash32(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function wrapHandlers(contract: Contract, api: Record<string, Handler>, delay?: InjectedDelay): Record<string, Handler> {
  const wrapped: Record<string, Handler> = {};
  const delayMs = delay?.ms ?? 0;
  // One count per service across its methods: the fraction is of the service's calls.
  const delayed = delayChooser(contract.name, delay?.fraction ?? 1);
  for (const method of Object.keys(contract.methods)) {
    const fn = api[method];
    if (typeof fn !== 'function') throw new Error(`${contract.name}: implementation lacks method ${method}`);
    const what = `${contract.name}.${method}`;
    const run = delayMs > 0
      ? async (input: unknown, ctx: Ctx) => { if (delayed()) await sleepWithin(ctx, delayMs, what); return fn(input, ctx); }
      : fn;
    wrapped[method] = (input, ctx) => {
      try {
        ensureTime(ctx, what);
        return run(input, ctx);
      } catch (err) {
        return Promise.reject(err);
      }
    };
  }
  return wrapped;
}

async function sleepWithin(ctx: Ctx, ms: number, what: string) {
  const left = remainingMs(ctx);
  await new Promise((r) => setTimeout(r, Math.min(ms, Math.max(0, left))));
  if (ms >= left) throw new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', `deadline exceeded in ${what} (injected delay ${ms} ms)`);
}
