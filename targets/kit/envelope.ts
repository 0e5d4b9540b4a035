// Everything about a remote call that is not bytes, once for every transport (transport.ts).
// Server side: ctx from the caller's remaining time, validation, the handler, shaping, handler time.
// Client side: the time check, the round trip, the hop record, wire errors back to ServiceErrors, retries (retry.ts).
// Strict mode holds every call to its contract (validate in, validate and shape out, raise only
// declared reasons), in-process ones too, so a breach fails in every wiring; for tests, off in measured runs.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Contract, Rpc } from './contract.js';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, ensureTime, parseRequestId, parseTimeoutMs, type Ctx } from './ctx.js';
import { GENERIC_REASONS, ServiceError, TransportError, invalid, toServiceError } from './errors.js';
import type { Handler } from './handler.js';
import type { HopRecorder } from './hops.js';
import { MethodRetry, RETRY_POLICY, RetryBudget, type RetryPolicy } from './retry.js';
import { shape, validate } from './schema.js';
import type { Answer, Dispatch, Inbound, Peer, Reply } from './transport.js';

export interface Hosted { contract: Contract; handlers: Record<string, Handler> }

const elapsedUs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1000;

/**
 * The server half: one dispatch for every service a process hosts. Handler time runs from the decoded
 * input (validation included) to the handler's answer; decoding and encoding are the boundary's cost.
 */
export function dispatcher(hosted: Hosted[], strict = false): Dispatch {
  // Resolved once: a call costs two map lookups, no string built unless it fails.
  const routes = new Map<string, Map<string, { rpc: Rpc; handler: Handler; what: string; idHeader: string; deadlineHeader: string }>>();
  for (const { contract, handlers } of hosted) {
    routes.set(contract.name, new Map(Object.entries(contract.methods).map(([method, rpc]) => {
      const what = `${contract.name}.${method}`;
      return [method, { rpc, handler: handlers[method], what, idHeader: `${what}: x-request-id`, deadlineHeader: `${what}: x-deadline-ms` }];
    })));
  }
  return async (call: Inbound): Promise<Answer> => {
    const route = routes.get(call.service)?.get(call.method);
    if (!route) return { error: new ServiceError('NOT_FOUND', 'NO_ROUTE', `no RPC ${`${call.service}.${call.method}`.slice(0, 200)} here`), handlerUs: 0 };
    const { rpc, handler, what, idHeader, deadlineHeader } = route;
    let ctx: Ctx;
    try {
      ctx = { deadline: Date.now() + timeoutOf(call, what, deadlineHeader), requestId: parseRequestId(call.requestId, idHeader) ?? '', caller: call.service };
    } catch (err) {
      return { error: toServiceError(err), handlerUs: 0 };
    }
    const started = process.hrtime.bigint();
    try {
      checkInput(rpc.input, call.input, what);
      const output = await handler(call.input, ctx);
      const handlerUs = elapsedUs(started);
      if (strict) checkOutput(rpc.output, output, what);
      return { output: shape(rpc.output, output), handlerUs };
    } catch (err) {
      return { error: toServiceError(strict ? declared(rpc, err, what) : err), handlerUs: elapsedUs(started) };
    }
  };
}

/** A number is milliseconds already (gRPC's deadline; none is Infinity); text is a header to check. */
function timeoutOf(call: Inbound, what: string, header: string): number {
  const raw = call.timeoutMs;
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof raw === 'string') return parseTimeoutMs(raw, header)!;
  if (!Number.isFinite(raw)) return DEFAULT_TIMEOUT_MS;
  // An absolute deadline converted on arrival has lost a little to the trip: allow a second for it.
  if (raw > MAX_TIMEOUT_MS + 1_000) throw invalid('INVALID_INPUT', `${what}: deadline ${Math.round(raw)} ms away exceeds ${MAX_TIMEOUT_MS} ms`);
  return raw;
}

function checkInput(schema: Contract['methods'][string]['input'], input: unknown, what: string) {
  const problems = validate(schema, input);
  if (problems.length) throw invalid('INVALID_INPUT', `${what}: ${problems.join('; ')}`);
}

/** Under strict mode a reason the method does not declare is an error in itself: a contract lists what its callers must handle. */
function declared(rpc: Rpc, err: unknown, what: string): unknown {
  if (!(err instanceof ServiceError) || GENERIC_REASONS.has(err.reason) || rpc.errors.includes(err.reason)) return err;
  return new ServiceError('INTERNAL', 'UNDECLARED_ERROR', `${what} raised ${err.reason} (${err.message}), which its contract does not declare (errors: ${rpc.errors.join(', ') || 'none'})`);
}

function checkOutput(schema: Contract['methods'][string]['output'], output: unknown, what: string) {
  const problems = validate(schema, output);
  if (problems.length) throw new ServiceError('INTERNAL', 'CONTRACT_BROKEN', `${what} answered outside its contract: ${problems.join('; ')}`);
}

/**
 * The client half: a stub with the implementation's API whose every call goes to the peer. Every
 * attempt is recorded on its edge, an unanswered one too (its handler time is then its round trip).
 * An idempotent method is tried again after a failure that may not have reached a healthy callee,
 * with backoff, only if the retry fits in the time left, and only while the process's retry budget
 * lasts (retry.ts); each retry, and each the budget refused, is counted on the edge. Pass one budget
 * per process: shared, it bounds retries when every stub fails at once (absent: the stub has its own,
 * for tests and tools; policy: tests fix its randomness). Strict mode checks the input before it leaves: protobuf would otherwise coerce
 * or drop what breaks the contract (2.5 for an int32, an unknown field), and the breach would pass over
 * gRPC and TCP but fail over HTTP.
 */
export function remoteStub(
  contract: Contract, peer: Peer, transport: string, recorder: HopRecorder, strict = false,
  budget = new RetryBudget(), policy: RetryPolicy = RETRY_POLICY,
): Record<string, Handler> {
  const stub: Record<string, Handler> = {};
  for (const [method, rpc] of Object.entries(contract.methods)) {
    const what = `${contract.name}.${method}`;
    const retry = rpc.idempotent ? new MethodRetry(budget, policy) : undefined;
    // One per method, not per call: a failed call (no reply) counts its whole round trip as handler time.
    const record = (ctx: Ctx, started: bigint, reply?: Reply) => {
      const rttUs = elapsedUs(started);
      recorder.record({
        from: ctx.caller, to: contract.name, method, transport, requestId: ctx.requestId, rttUs,
        handlerUs: reply?.handlerUs ?? rttUs, requestBytes: reply?.requestBytes ?? 0, responseBytes: reply?.responseBytes ?? 0,
      }, reply === undefined || reply.error !== undefined);
      return rttUs;
    };
    const once = async (input: unknown, ctx: Ctx) => {
      const timeoutMs = ensureTime(ctx, what);
      if (strict) checkInput(rpc.input, input, what);
      const started = process.hrtime.bigint();
      let reply: Reply;
      try {
        reply = await peer.call({ contract, method, input, timeoutMs, requestId: ctx.requestId });
      } catch (err) {
        record(ctx, started);
        throw err instanceof ServiceError ? err : new TransportError(transport, `${what} over ${transport}: ${(err as Error).message}`);
      }
      const rttUs = record(ctx, started, reply);
      if (reply.error) throw new ServiceError(reply.error.code, reply.error.reason, reply.error.message);
      retry?.succeeded(rttUs / 1000);
      return reply.output;
    };
    // Every first attempt pays into the budget, a non-idempotent one too: the bound is on all the process's calls.
    stub[method] = retry
      ? async (input, ctx) => {
        budget.deposit();
        for (let attempt = 1; ; attempt++) {
          try {
            return await once(input, ctx);
          } catch (err) {
            const waitMs = retry.next(err, attempt, ctx);
            if (waitMs === undefined) throw err;
            const edge = { from: ctx.caller, to: contract.name, transport };
            if (waitMs === 'refused') { recorder.retried(edge, true); throw err; }
            recorder.retried(edge);
            if (waitMs > 0) await sleep(waitMs);
          }
        }
      }
      : (input, ctx) => { budget.deposit(); return once(input, ctx); };
  }
  return stub;
}

/** In-process under strict mode: the same checks a remote server makes, and the answer shaped as a wire would. */
export function strictLocal(contract: Contract, handlers: Record<string, Handler>): Record<string, Handler> {
  const checked: Record<string, Handler> = {};
  for (const [method, rpc] of Object.entries(contract.methods)) {
    const what = `${contract.name}.${method}`;
    checked[method] = async (input, ctx) => {
      checkInput(rpc.input, input, what);
      let output: unknown;
      try {
        output = await handlers[method](input, ctx);
      } catch (err) {
        throw declared(rpc, err, what);
      }
      checkOutput(rpc.output, output, what);
      return shape(rpc.output, output);
    };
  }
  return checked;
}
