// Wraps every handler once, at registration, the same way for local and remote callers: check the
// deadline, apply an injected delay (off unless configured). A wrapped handler never throws
// synchronously: a transport that calls it outside a promise chain cannot be taken down by an expired deadline.
import type { Contract } from './contract.js';
import { ensureTime, remainingMs, type Ctx } from './ctx.js';
import { ServiceError } from './errors.js';

export type Handler = (input: any, ctx: Ctx) => Promise<any>;

/** Parses "warehouse=50,payment=5" (milliseconds per service); throws naming the bad entry. */
export function parseInjectedDelays(spec: string | undefined): Record<string, number> {
  const delays: Record<string, number> = {};
  if (!spec) return delays;
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=(\d+(?:\.\d+)?)$/.exec(entry);
    if (!m) throw new Error(`inject-delay "${entry}": expected <service>=<milliseconds>, e.g. warehouse=20`);
    delays[m[1]] = Number(m[2]);
  }
  return delays;
}

export function wrapHandlers(contract: Contract, api: Record<string, Handler>, delayMs = 0): Record<string, Handler> {
  const wrapped: Record<string, Handler> = {};
  for (const method of Object.keys(contract.methods)) {
    const fn = api[method];
    if (typeof fn !== 'function') throw new Error(`${contract.name}: implementation lacks method ${method}`);
    const what = `${contract.name}.${method}`;
    const run = delayMs > 0
      ? async (input: unknown, ctx: Ctx) => { await sleepWithin(ctx, delayMs, what); return fn(input, ctx); }
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
