// What a transport is: it moves one call and its answer as its protocol's bytes and headers, nothing
// else. Ctx from the remaining time, validation, shaping, handler time, the hop record and turning a
// wire error back into a ServiceError live once, above every transport, in envelope.ts.
import net from 'node:net';
import type { Contract } from './contract.js';
import type { Code, ServiceError } from './errors.js';

/** A call as a server received it, before the envelope has checked any of it. */
export interface Inbound {
  service: string;
  method: string;
  input: unknown;
  /** The caller's remaining time as it came: header text (checked by parseTimeoutMs) or milliseconds; absent: the default. */
  timeoutMs?: string | number;
  requestId?: unknown;
}

/** The envelope's answer to an inbound call: the shaped output or the error, and the handler's time. */
export type Answer = { output: unknown; handlerUs: number; error?: undefined } | { error: ServiceError; handlerUs: number };

export type Dispatch = (call: Inbound) => Promise<Answer>;

/** A call as a client sends it: the envelope has checked the time left. */
export interface Outbound { contract: Contract; method: string; input: unknown; timeoutMs: number; requestId: string }

/** A wire error as decoded by the transport's own table (errors.ts), not yet a ServiceError. */
export interface WireError { code: Code; reason: string; message: string }

/**
 * The callee's answer as the client read it. A call that got no answer rejects instead, with a
 * TransportError or DEADLINE_EXCEEDED; the sizes are the encoded bytes each way.
 */
export interface Reply { output?: unknown; error?: WireError; handlerUs?: number; requestBytes: number; responseBytes: number }

/** The connection(s) from one process to one peer process, shared by the stubs of every service it hosts. */
export interface Peer {
  call(call: Outbound): Promise<Reply>;
  /** Resolves when the peer is reachable on the connection calls will use (readiness). */
  check(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface Listener { port: number; close(): Promise<void> }

export interface DialOptions {
  /** Connections per peer, for protocols with one call in flight per connection (HTTP/1.1). */
  connections: number;
}

export interface RemoteTransport {
  name: string;
  /** How tables name it: "HTTP hop", "gRPC hop". */
  label: string;
  /** Serves every method of the contracts: decode each call, hand it to dispatch, encode its answer. */
  serve(contracts: Contract[], dispatch: Dispatch, at: { port: number; host: string }): Promise<Listener>;
  dial(address: string, options: DialOptions): Peer;
}

/** A TCP connection to host:port opens (then closes at once). */
export const probeConnect = (address: string, timeoutMs: number) => new Promise<void>((resolve, reject) => {
  const socket = net.connect(splitAddress(address));
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${address}: no connection within ${timeoutMs} ms`)));
  socket.once('connect', () => { socket.destroy(); resolve(); });
  socket.once('error', (e) => reject(new Error(`${address}: ${e.message}`)));
});

/** "host:port" → its parts. */
export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}
