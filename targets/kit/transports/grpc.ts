// gRPC transport (grpc-js over real HTTP/2): one server per process hosting its services, one
// channel per target process. Messages are protobuf, built from the contract (see proto.ts).
import * as grpc from '@grpc/grpc-js';
import type { Contract } from '../contract.js';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, ensureTime, parseRequestId, type Ctx } from '../ctx.js';
import { CODE_BY_GRPC_STATUS, GRPC_STATUS, ServiceError, TransportError, toServiceError } from '../errors.js';
import type { Handler } from '../handler.js';
import type { HopRecorder } from '../hops.js';
import { protoCodecs } from '../proto.js';
import { shape, validate } from '../schema.js';

const OPTIONS = { 'grpc.max_receive_message_length': 4 * 1024 * 1024, 'grpc.keepalive_time_ms': 60_000 };

export class GrpcRpcServer {
  private server = new grpc.Server(OPTIONS);

  add(contract: Contract, handlers: Record<string, Handler>) {
    const codecs = protoCodecs(contract);
    const definition: Record<string, grpc.MethodDefinition<any, any>> = {};
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [method, codec] of Object.entries(codecs)) {
      const rpc = contract.methods[method];
      const what = `${contract.name}.${method}`;
      definition[method] = {
        path: codec.path, requestStream: false, responseStream: false, originalName: method,
        requestSerialize: codec.encodeRequest, requestDeserialize: (bytes: Buffer) => decodeOrMark(codec, bytes),
        responseSerialize: codec.encodeResponse, responseDeserialize: codec.decodeResponse,
      };
      // Handler time runs from the decoded input (validation included) to the handler's answer, as in
      // http.ts: grpc-js decodes before and encodes after, outside it.
      impl[method] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
        const started = process.hrtime.bigint();
        let handlerUs = 0;
        const trailer = () => { const m = new grpc.Metadata(); m.set('x-handler-us', String(handlerUs)); return m; };
        const answer = (out: unknown) => { handlerUs = Number(process.hrtime.bigint() - started) / 1000; callback(null, shape(rpc.output, out), trailer()); };
        const fail = (err: unknown) => {
          handlerUs = Number(process.hrtime.bigint() - started) / 1000;
          const e = toServiceError(err);
          if (e.code === 'INTERNAL') process.stderr.write(`grpc server: ${what}: ${e.message}\n`);
          const metadata = trailer();
          metadata.set('x-reason', e.reason);
          callback({ code: GRPC_STATUS[e.code], details: e.message, metadata });
        };
        try {
          const undecodable = call.request?.[UNDECODABLE];
          if (undecodable) throw new ServiceError('INVALID_ARGUMENT', 'MALFORMED_MESSAGE', `${what}: request is not a valid protobuf message (${undecodable})`);
          const ctx: Ctx = { deadline: deadlineOf(call, what), requestId: requestIdOf(call, what), caller: contract.name };
          const problems = validate(rpc.input, call.request);
          if (problems.length) throw new ServiceError('INVALID_ARGUMENT', 'INVALID_INPUT', `${what}: ${problems.join('; ')}`);
          handlers[method](call.request, ctx).then(answer, fail);
        } catch (err) {
          fail(err);
        }
      };
    }
    this.server.addService(definition, impl);
  }

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
  }

  close(graceMs = 2000): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => { this.server.forceShutdown(); resolve(); }, graceMs);
      this.server.tryShutdown(() => { clearTimeout(force); resolve(); });
    });
  }
}

const UNDECODABLE = Symbol('undecodable');

/** Garbage bytes become a marked request that the handler answers INVALID_ARGUMENT (grpc-js would answer INTERNAL). */
function decodeOrMark(codec: { decodeRequest(b: Buffer): any }, bytes: Buffer): any {
  try {
    return codec.decodeRequest(bytes);
  } catch (e) {
    return { [UNDECODABLE]: (e as Error).message || 'undecodable' };
  }
}

/** gRPC's own deadline; none at all gets the default, one beyond MAX_TIMEOUT_MS is refused, as over HTTP. */
function deadlineOf(call: grpc.ServerUnaryCall<unknown, unknown>, what: string): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  if (!Number.isFinite(at)) return Date.now() + DEFAULT_TIMEOUT_MS;
  if (at - Date.now() > MAX_TIMEOUT_MS + 1_000) throw new ServiceError('INVALID_ARGUMENT', 'INVALID_INPUT', `${what}: deadline ${at - Date.now()} ms away exceeds ${MAX_TIMEOUT_MS} ms`);
  return at;
}

function requestIdOf(call: grpc.ServerUnaryCall<unknown, unknown>, what: string): string {
  const raw = call.metadata.get('x-request-id')[0];
  return parseRequestId(raw === undefined ? undefined : String(raw), `${what}: x-request-id`) ?? '';
}

export const grpcChannel = (address: string) => new grpc.Client(address, grpc.credentials.createInsecure(), OPTIONS);

/** Caller-side stub: same API as the implementation; the deadline is gRPC's own. */
export function grpcClient(contract: Contract, client: grpc.Client, recorder: HopRecorder): Record<string, Handler> {
  const codecs = protoCodecs(contract);
  const stub: Record<string, Handler> = {};
  for (const [method, codec] of Object.entries(codecs)) {
    const what = `${contract.name}.${method}`;
    stub[method] = (input, ctx) => new Promise((resolve, reject) => {
      ensureTime(ctx, what);
      let requestBytes = 0;
      let responseBytes = 0;
      const serialize = (v: object) => { const b = codec.encodeRequest(v); requestBytes = b.length; return b; };
      const deserialize = (b: Buffer) => { responseBytes = b.length; return codec.decodeResponse(b); };
      const metadata = new grpc.Metadata();
      metadata.set('x-request-id', ctx.requestId);
      metadata.set('x-caller', ctx.caller);
      const started = process.hrtime.bigint();
      let result: unknown;
      const call = client.makeUnaryRequest(codec.path, serialize, deserialize, input, metadata, { deadline: ctx.deadline }, (err, value) => { result = err ?? value; });
      // The status event carries the trailers (handler time) and comes after the callback. The round
      // trip counts encoding the request and decoding the answer (grpc-js does both inside the call),
      // exactly as http.ts counts its JSON: rtt − handler is the whole price of the boundary.
      call.on('status', (status: grpc.StatusObject) => {
        const rttUs = Number(process.hrtime.bigint() - started) / 1000;
        const handler = status.metadata.get('x-handler-us')[0];
        recorder.record({ from: ctx.caller, to: contract.name, method, transport: 'grpc', requestId: ctx.requestId, rttUs, handlerUs: handler === undefined ? rttUs : Number(handler), requestBytes, responseBytes }, status.code !== grpc.status.OK);
        if (status.code === grpc.status.OK) return resolve(result);
        const reason = status.metadata.get('x-reason')[0];
        if (reason !== undefined) return reject(new ServiceError(CODE_BY_GRPC_STATUS[status.code] ?? 'INTERNAL', String(reason), status.details));
        if (status.code === grpc.status.DEADLINE_EXCEEDED) return reject(new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', `${what} over grpc: ${status.details}`));
        reject(new TransportError('grpc', `${what} over grpc: ${status.details}`));
      });
    });
  }
  return stub;
}
