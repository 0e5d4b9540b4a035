// Type-only schemas: one object gives the TypeScript type (Infer), runtime validation of untrusted
// input, JSON shaping and the protobuf field types. Only proto3 scalars that survive every wiring
// unchanged (int32, double, string, bool) are allowed; every field is required so that an absent
// value never differs between JSON (missing) and protobuf (default).

export type Schema = StrSchema | IntSchema | NumSchema | BoolSchema | ListSchema<any> | MsgSchema<any>;

export interface StrSchema { kind: 'str'; min: number; max: number; }
export interface IntSchema { kind: 'int'; min: number; max: number; }
export interface NumSchema { kind: 'num'; min: number; max: number; }
export interface BoolSchema { kind: 'bool'; }
export interface ListSchema<T extends Schema> { kind: 'list'; item: T; min: number; max: number; }
export interface MsgSchema<F extends Fields> { kind: 'msg'; fields: F; name?: string; }
export type Fields = Record<string, Schema>;
/** Untrusted input may omit a field marked optional; shape() then fills the proto3 default. */
export const optional = <S extends Schema>(schema: S): S => ({ ...schema, optional: true });

const INT32_MAX = 2_147_483_647;

export const str = (min = 0, max = 512): StrSchema => ({ kind: 'str', min, max });
export const int = (min = -INT32_MAX, max = INT32_MAX): IntSchema => ({ kind: 'int', min, max });
export const num = (min = -Number.MAX_VALUE, max = Number.MAX_VALUE): NumSchema => ({ kind: 'num', min, max });
export const bool = (): BoolSchema => ({ kind: 'bool' });
export const list = <T extends Schema>(item: T, min = 0, max = 1000): ListSchema<T> => ({ kind: 'list', item, min, max });
/** A named message becomes one protobuf message shared by every method that uses it. */
export const msg = <F extends Fields>(fields: F, name?: string): MsgSchema<F> => ({ kind: 'msg', fields, name });

export type Infer<S> =
  S extends StrSchema ? string :
  S extends IntSchema ? number :
  S extends NumSchema ? number :
  S extends BoolSchema ? boolean :
  S extends ListSchema<infer I> ? Infer<I>[] :
  S extends MsgSchema<infer F> ? { [K in keyof F]: Infer<F[K]> } :
  never;

/** Checks untrusted input; returns the problems as "path: expected …, got …" (empty when valid). */
export function validate(schema: Schema, value: unknown, path = ''): string[] {
  const problems: string[] = [];
  check(schema, value, path ? [path] : [], problems);
  return problems;
}

// Every call of every wiring passes through here, so a valid value costs no allocation: the path is a
// stack of keys, spelled out only when a problem is found.
function check(schema: Schema, value: unknown, path: (string | number)[], problems: string[]): void {
  // An optional field may be absent, or hold the default shape() fills in (what protobuf carries for
  // absent): validate(shape(x)) holds whenever validate(x) does.
  if ((schema as { optional?: boolean }).optional && (value === undefined || value === shape(schema, undefined))) return;
  switch (schema.kind) {
    case 'str':
      if (typeof value !== 'string') return void fail(problems, path, `expected a string, got ${describe(value)}`);
      if (value.length < schema.min || value.length > schema.max) return void fail(problems, path, `expected a string of ${schema.min}–${schema.max} characters, got ${value.length}`);
      // Postgres text cannot hold U+0000, and no field of any contract has a use for it: refused here,
      // once for every transport and wiring, instead of failing as a database error in some service.
      if (value.includes('\u0000')) fail(problems, path, `expected a string without NUL (U+0000), got one at position ${value.indexOf('\u0000')}`);
      return;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return void fail(problems, path, `expected an integer, got ${describe(value)}`);
      if (value < schema.min || value > schema.max) fail(problems, path, `expected an integer in ${schema.min}…${schema.max}, got ${value}`);
      return;
    case 'num':
      if (typeof value !== 'number' || !Number.isFinite(value)) return void fail(problems, path, `expected a number, got ${describe(value)}`);
      if (value < schema.min || value > schema.max) fail(problems, path, `expected a number in ${schema.min}…${schema.max}, got ${value}`);
      return;
    case 'bool':
      if (typeof value !== 'boolean') fail(problems, path, `expected true or false, got ${describe(value)}`);
      return;
    case 'list': {
      if (!Array.isArray(value)) return void fail(problems, path, `expected a list, got ${describe(value)}`);
      if (value.length < schema.min || value.length > schema.max) return void fail(problems, path, `expected a list of ${schema.min}–${schema.max} items, got ${value.length}`);
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        check(schema.item, value[i], path, problems);
        path.pop();
      }
      return;
    }
    case 'msg': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void fail(problems, path, `expected an object, got ${describe(value)}`);
      const record = value as Record<string, unknown>;
      const fields = schema.fields as Fields;
      for (const key in fields) {
        path.push(key);
        check(fields[key], record[key], path, problems);
        path.pop();
      }
      for (const key of Object.keys(record)) {
        if (!Object.hasOwn(fields, key)) problems.push(`${spell([...path, key])}: unknown field`);
      }
    }
  }
}

function fail(problems: string[], path: (string | number)[], expected: string): void {
  problems.push(`${spell(path)}: ${expected}`);
}

/** ["lines", 0, "sku"] → "lines[0].sku"; the top level is "(body)". */
function spell(path: (string | number)[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out || '(body)';
}

/** Keeps exactly the schema's fields, as a protobuf round trip would: every wiring answers alike. */
export function shape<S extends Schema>(schema: S, value: unknown): Infer<S> {
  switch (schema.kind) {
    case 'str': return (typeof value === 'string' ? value : '') as Infer<S>;
    case 'int':
    case 'num': return (typeof value === 'number' ? value : 0) as Infer<S>;
    case 'bool': return (value === true) as Infer<S>;
    case 'list': return (Array.isArray(value) ? value.map((v) => shape(schema.item, v)) : []) as Infer<S>;
    case 'msg': {
      const record = (value ?? {}) as Record<string, unknown>;
      const fields = schema.fields as Fields;
      const out: Record<string, unknown> = {};
      for (const key in fields) out[key] = shape(fields[key], record[key]);
      return out as Infer<S>;
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}
