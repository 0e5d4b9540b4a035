// Renders a contract as a .proto file and builds the protobuf codecs from that same text, so the
// committed file and the bytes on the wire come from one definition.
import protobuf from 'protobufjs';
import type { Contract } from './contract.js';
import type { Fields, MsgSchema, Schema } from './schema.js';

const pascal = (s: string) => s[0].toUpperCase() + s.slice(1);
const serviceType = (c: Contract) => c.fullName.split('.')[2];
const pkg = (c: Contract) => c.fullName.split('.').slice(0, 2).join('.');

export function renderProto(contract: Contract): string {
  const svc = serviceType(contract);
  const names = new Map<MsgSchema<any>, string>();
  const blocks: string[] = [];

  const nameOf = (m: MsgSchema<any>, fallback: string): string => {
    const known = names.get(m);
    if (known) return known;
    const name = svc + (m.name ?? fallback);
    names.set(m, name);
    const lines = Object.entries(m.fields as Fields).map(([field, schema], i) => {
      const { type, repeated } = fieldType(schema, `${(m.name ?? fallback)}${pascal(field)}`);
      return `  ${repeated ? 'repeated ' : ''}${type} ${field} = ${i + 1};`;
    });
    blocks.push(`message ${name} {\n${lines.join('\n')}\n}`);
    return name;
  };

  const fieldType = (schema: Schema, fallback: string): { type: string; repeated: boolean } => {
    switch (schema.kind) {
      case 'str': return { type: 'string', repeated: false };
      case 'int': return { type: 'int32', repeated: false };
      case 'num': return { type: 'double', repeated: false };
      case 'bool': return { type: 'bool', repeated: false };
      case 'msg': return { type: nameOf(schema, fallback), repeated: false };
      case 'list': {
        if (schema.item.kind === 'list') throw new Error(`${contract.fullName}: lists of lists have no protobuf form`);
        return { type: fieldType(schema.item, fallback).type, repeated: true };
      }
    }
  };

  const rpcs = Object.entries(contract.methods).map(([method, r]) => {
    const input = nameOf(r.input, `${pascal(method)}Request`);
    const output = nameOf(r.output, `${pascal(method)}Response`);
    return `  rpc ${pascal(method)} (${input}) returns (${output});`;
  });
  return [
    '// Generated from targets/contracts by `npm run proto`; do not edit (a test fails when it drifts).',
    'syntax = "proto3";',
    `package ${pkg(contract)};`,
    '',
    ...blocks.flatMap((b) => [b, '']),
    `service ${svc} {`,
    ...rpcs,
    '}',
    '',
  ].join('\n');
}

export interface MethodCodec {
  /** gRPC path, e.g. /splitbench.logistics.Warehouse/Reserve */
  path: string;
  encodeRequest(value: object): Buffer;
  decodeRequest(bytes: Buffer): any;
  encodeResponse(value: object): Buffer;
  decodeResponse(bytes: Buffer): any;
}

// Defaults and empty lists are filled on decode so that protobuf answers equal JSON answers.
const TO_OBJECT: protobuf.IConversionOptions = { defaults: true, arrays: true, longs: Number };

/** protobufjs hands node a Buffer already; a view, never a copy, in any case. */
const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

const codecCache = new WeakMap<Contract, Record<string, MethodCodec>>();

/** Codecs of a contract's methods, built once per process from the rendered .proto text. */
export function protoCodecs(contract: Contract): Record<string, MethodCodec> {
  const cached = codecCache.get(contract);
  if (cached) return cached;
  const root = protobuf.parse(renderProto(contract), { keepCase: true }).root;
  const service = root.lookupService(contract.fullName);
  const codecs: Record<string, MethodCodec> = {};
  for (const method of Object.keys(contract.methods)) {
    const m = service.methods[pascal(method)];
    const req = root.lookupType(m.requestType.includes('.') ? m.requestType : `${pkg(contract)}.${m.requestType}`);
    const res = root.lookupType(m.responseType.includes('.') ? m.responseType : `${pkg(contract)}.${m.responseType}`);
    codecs[method] = {
      path: `/${contract.fullName}/${pascal(method)}`,
      encodeRequest: (v) => asBuffer(req.encode(v).finish()),
      decodeRequest: (b) => req.toObject(req.decode(b), TO_OBJECT),
      encodeResponse: (v) => asBuffer(res.encode(v).finish()),
      decodeResponse: (b) => res.toObject(res.decode(b), TO_OBJECT),
    };
  }
  codecCache.set(contract, codecs);
  return codecs;
}
