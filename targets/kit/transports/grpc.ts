// gRPC (grpc-js over real HTTP/2): one server per process for its services, one channel per peer
// process. Messages are protobuf, built from the contract (proto.ts); the deadline is gRPC's own.
import * as grpc from '@grpc/grpc-js';
import type { Contract } from '../contract.js';
import { CODE_BY_GRPC_STATUS, GRPC_STATUS, ServiceError, TransportError } from '../errors.js';
import { protoCodecs } from '../proto.js';
import type { Dispatch, Outbound, Peer, Reply, RemoteTransport } from '../transport.js';

const OPTIONS = { 'grpc.max_receive_message_length': 4 * 1024 * 1024, 'grpc.keepalive_time_ms': 60_000 };

function serve(contracts: Contract[], dispatch: Dispatch, at: { port: number; host: string }) {
  const server = new grpc.Server(OPTIONS);
  for (const contract of contracts) {
    const definition: Record<string, grpc.MethodDefinition<any, any>> = {};
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [method, codec] of Object.entries(protoCodecs(contract))) {
      definition[method] = {
        path: codec.path, requestStream: false, responseStream: false, originalName: method,
        requestSerialize: codec.encodeRequest, requestDeserialize: (bytes: Buffer) => decodeOrMark(codec, bytes),
        responseSerialize: codec.encodeResponse, responseDeserialize: codec.decodeResponse,
      };
      impl[method] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
        const trailer = (handlerUs: number) => { const m = new grpc.Metadata(); m.set('x-handler-us', String(handlerUs)); return m; };
        const fail = (e: ServiceError, handlerUs: number) => {
          if (e.code === 'INTERNAL') process.stderr.write(`grpc server: ${contract.name}.${method}: ${e.message}\n`);
          const metadata = trailer(handlerUs);
          metadata.set('x-reason', e.reason);
          callback({ code: GRPC_STATUS[e.code], details: e.message, metadata });
        };
        const undecodable = call.request?.[UNDECODABLE];
        if (undecodable) return fail(new ServiceError('INVALID_ARGUMENT', 'MALFORMED_MESSAGE', `${contract.name}.${method}: request is not a valid protobuf message (${undecodable})`), 0);
        const requestId = call.metadata.get('x-request-id')[0];
        dispatch({ service: contract.name, method, input: call.request, timeoutMs: remainingOf(call), requestId: requestId === undefined ? undefined : String(requestId) })
          .then((a) => (a.error ? fail(a.error, a.handlerUs) : callback(null, a.output, trailer(a.handlerUs))));
      };
    }
    server.addService(definition, impl);
  }
  return new Promise<{ port: number; close(): Promise<void> }>((resolve, reject) => {
    server.bindAsync(`${at.host}:${at.port}`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve({
      port,
      close: (graceMs = 2000) => new Promise<void>((done) => {
        const force = setTimeout(() => { server.forceShutdown(); done(); }, graceMs);
        server.tryShutdown(() => { clearTimeout(force); done(); });
      }),
    })));
  });
}

const UNDECODABLE = Symbol('undecodable');

/** Garbage bytes become a marked request that is answered INVALID_ARGUMENT (grpc-js would answer INTERNAL). */
function decodeOrMark(codec: { decodeRequest(b: Buffer): any }, bytes: Buffer): any {
  try {
    return codec.decodeRequest(bytes);
  } catch (e) {
    return { [UNDECODABLE]: (e as Error).message || 'undecodable' };
  }
}

/** gRPC's own absolute deadline as milliseconds left; none at all is Infinity (the envelope's default). */
function remainingOf(call: grpc.ServerUnaryCall<unknown, unknown>): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  return Number.isFinite(at) ? at - Date.now() : Infinity;
}

function dial(address: string): Peer {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), OPTIONS);
  return {
    call: ({ contract, method, input, timeoutMs, requestId }: Outbound) => new Promise<Reply>((resolve, reject) => {
      const codec = protoCodecs(contract)[method];
      const what = `${contract.name}.${method}`;
      let requestBytes = 0;
      let responseBytes = 0;
      const serialize = (v: object) => { const b = codec.encodeRequest(v); requestBytes = b.length; return b; };
      const deserialize = (b: Buffer) => { responseBytes = b.length; return codec.decodeResponse(b); };
      const metadata = new grpc.Metadata();
      metadata.set('x-request-id', requestId);
      let result: unknown;
      const call = client.makeUnaryRequest(codec.path, serialize, deserialize, input as object, metadata, { deadline: Date.now() + timeoutMs }, (err, value) => { result = err ?? value; });
      // The status event carries the trailers (handler time) and comes after the callback.
      call.on('status', (status: grpc.StatusObject) => {
        const handler = status.metadata.get('x-handler-us')[0];
        const sizes = { requestBytes, responseBytes, handlerUs: handler === undefined ? undefined : Number(handler) };
        if (status.code === grpc.status.OK) return resolve({ output: result, ...sizes });
        const reason = status.metadata.get('x-reason')[0];
        if (reason !== undefined) return resolve({ error: { code: CODE_BY_GRPC_STATUS[status.code] ?? 'INTERNAL', reason: String(reason), message: status.details }, ...sizes });
        // grpc-js itself answers a method no server registered: the same NO_ROUTE as over HTTP and TCP.
        if (status.code === grpc.status.UNIMPLEMENTED) return resolve({ error: { code: 'NOT_FOUND', reason: 'NO_ROUTE', message: `${what} over grpc: ${status.details}` }, ...sizes });
        if (status.code === grpc.status.DEADLINE_EXCEEDED) return reject(new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', `${what} over grpc: ${status.details}`));
        reject(new TransportError('grpc', `${what} over grpc: ${status.details}`));
      });
    }),
    // The channel itself connects (or already is connected): the connection calls will use.
    check: (timeoutMs) => new Promise<void>((resolve, reject) => {
      client.waitForReady(Date.now() + timeoutMs, (e) => (e ? reject(new Error(`${address}: ${e.message}`)) : resolve()));
    }),
    close: async () => client.close(),
  };
}

const transport: RemoteTransport = { name: 'grpc', label: 'gRPC', serve, dial };
export default transport;
