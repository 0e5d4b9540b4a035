// gRPC transport (grpc-js over real HTTP/2): one server per process hosting its services, one
// channel per target process. Messages are protobuf, built from the contract (see proto.ts).
import * as grpc from '@grpc/grpc-js';
import type { Contract } from '../contract.js';
import { ensureTime, type Ctx } from '../ctx.js';
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
      definition[method] = {
        path: codec.path, requestStream: false, responseStream: false, originalName: method,
        requestSerialize: codec.encodeRequest, requestDeserialize: codec.decodeRequest,
        responseSerialize: codec.encodeResponse, responseDeserialize: codec.decodeResponse,
      };
      impl[method] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
        const started = process.hrtime.bigint();
        const trailer = () => { const m = new grpc.Metadata(); m.set('x-handler-us', String(Number(process.hrtime.bigint() - started) / 1000)); return m; };
        const deadline = call.getDeadline();
        const ctx: Ctx = {
          deadline: deadline instanceof Date ? deadline.getTime() : Number.isFinite(deadline) ? Number(deadline) : Date.now() + 5000,
          requestId: String(call.metadata.get('x-request-id')[0] ?? ''),
          caller: contract.name,
        };
        const problems = validate(rpc.input, call.request);
        const run = problems.length
          ? Promise.reject(new ServiceError('INVALID_ARGUMENT', 'INVALID_INPUT', `${contract.name}.${method}: ${problems.join('; ')}`))
          : handlers[method](call.request, ctx);
        run.then(
          (out) => callback(null, shape(rpc.output, out), trailer()),
          (err) => {
            const e = toServiceError(err);
            const metadata = trailer();
            metadata.set('x-reason', e.reason);
            callback({ code: GRPC_STATUS[e.code], details: e.message, metadata });
          },
        );
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
      // The status event carries the trailers (handler time) and comes after the callback.
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
