// The in-process transports: how a call between two services of the same process is made.
// `inproc` is the plain call (the monolith's: no copy, no checks, nothing in between); `copy`
// deep-copies arguments and results as a wire would (the copy rung of the ladder). Under strict mode
// both also check and shape as a remote server does (envelope.ts), so a contract breach fails here too.
import type { Contract } from '../contract.js';
import { strictLocal } from '../envelope.js';
import type { Handler } from '../handler.js';

export type LocalTransport = (contract: Contract, handlers: Record<string, Handler>, strict: boolean) => Record<string, Handler>;

const inproc: LocalTransport = (contract, handlers, strict) => (strict ? strictLocal(contract, handlers) : handlers);

const copy: LocalTransport = (contract, handlers, strict) => {
  const target = inproc(contract, handlers, strict);
  const copied: Record<string, Handler> = {};
  for (const [method, fn] of Object.entries(target)) copied[method] = async (input, ctx) => structuredClone(await fn(structuredClone(input), ctx));
  return copied;
};

export const LOCAL_TRANSPORTS = { inproc, copy } satisfies Record<string, LocalTransport>;
