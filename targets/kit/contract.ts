// A contract is a plain object written before any implementation: it is the single source of the
// TypeScript API type, the HTTP routes, the gRPC service and the .proto file.
import type { Ctx } from './ctx.js';
import type { Infer, MsgSchema } from './schema.js';

export interface Rpc<I extends MsgSchema<any> = MsgSchema<any>, O extends MsgSchema<any> = MsgSchema<any>> {
  input: I;
  output: O;
  /** Error reasons this method may raise: its own and those it passes on; strict mode refuses any other (envelope.ts). */
  errors: string[];
  /** Safe to retry: a transport may repeat it after a connection failure. */
  idempotent: boolean;
}

export interface Contract<M extends Record<string, Rpc> = Record<string, Rpc>> {
  /** Fully qualified protobuf name, e.g. splitbench.logistics.Warehouse */
  fullName: string;
  /** Short service name used in routes, placement and per-hop edges, e.g. warehouse */
  name: string;
  domain: string;
  methods: M;
}

export function rpc<I extends MsgSchema<any>, O extends MsgSchema<any>>(
  def: { input: I; output: O; errors?: string[]; idempotent?: boolean },
): Rpc<I, O> {
  return { input: def.input, output: def.output, errors: def.errors ?? [], idempotent: def.idempotent ?? false };
}

/** A method's error reasons: its own and those it passes on from its callees, each once. */
export const reasons = (...lists: (string | readonly string[])[]): string[] => [...new Set(lists.flat())];

export function service<M extends Record<string, Rpc>>(fullName: string, methods: M): Contract<M> {
  const parts = fullName.split('.');
  if (parts.length !== 3 || parts[0] !== 'splitbench') throw new Error(`contract name "${fullName}": expected splitbench.<domain>.<Service>`);
  const name = parts[2][0].toLowerCase() + parts[2].slice(1);
  return { fullName, name, domain: parts[1], methods };
}

export type In<R> = R extends Rpc<infer I, any> ? Infer<I> : never;
export type Out<R> = R extends Rpc<any, infer O> ? Infer<O> : never;

/** The API a caller sees and an implementation provides: the same shape in every wiring. */
export type Api<C> = C extends Contract<infer M>
  ? { [K in keyof M]: (input: In<M[K]>, ctx: Ctx) => Promise<Out<M[K]>> }
  : never;

/** The HTTP route of a method: one rule, so client and server cannot disagree. */
export const httpPath = (contract: Contract, method: string) => `/rpc/${contract.name}/${method}`;
