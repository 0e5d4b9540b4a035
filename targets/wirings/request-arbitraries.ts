// Test helper: fast-check generators of hostile requests — for the front door (paths, methods,
// headers, bodies, encodings), for a service's own RPC port (contract-aware wrong values) and raw bytes
// that are not HTTP at all. Each well-formed request says what it may legitimately get back.
import fc from 'fast-check';
import type { Schema } from '../kit/schema.js';
import { PAYMENT_OK, skuId, token, type SeedSize } from '../db/seed-data.js';
import type { RawRequest } from './raw-http.js';

export interface Generated { request: RawRequest; /** a short timeout was asked for: a 504 DEADLINE_EXCEEDED is a right answer */ shortDeadline: boolean; }

const pct = (bytes: Uint8Array) => [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
/** A string as a URL would carry it: unreserved ASCII as is, everything else %-escaped (as UTF-8). */
const urlText = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : pct(Uint8Array.of(b)))).join('');

const BAD_ESCAPES = ['%E0%A4%A', '%00', '%', '%zz', '%C0%AF', '%ED%A0%80', '%FF', '%2F', '%25', '%u0041', '%0A', '%E2%82'];
const segment = fc.oneof(
  fc.constantFrom(...BAD_ESCAPES),
  fc.string({ unit: 'binary', maxLength: 40 }).map(urlText),
  fc.uint8Array({ maxLength: 24 }).map(pct),
  fc.integer({ min: 1, max: 2_100 }).map(skuId),
  fc.integer({ min: 33, max: 3_000 }).map((n) => 'a'.repeat(n)),
  fc.tuple(fc.integer({ min: 1, max: 2_000 }).map(skuId), fc.constantFrom(...BAD_ESCAPES)).map(([a, b]) => a + b),
);
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('', '-1', '0', '1.5', '1e3', '99999999999999999999', '2147483648', '-2147483649', 'NaN', 'abc', '0x10', '%00', '+5', '%205', '1%00'),
);
const target = fc.oneof(
  fc.constantFrom('/', '//', '///', '//api/checkout', '/api', '/api/', '/api/products', '/api/products/', '/api/checkout', '/api/returns',
    '/api/orders', '/api/search', '/health/live', '/health/ready', '/rpc/pricing/quote', '/..', '/./api/checkout', '/api//checkout',
    '*', 'http://gateway/api/orders', '/api/checkout?x=%00', '/api/search?q=%00', '/api/search?q=a&q=b&limit=1&limit=2'),
  segment.map((s) => `/api/products/${s}`),
  fc.tuple(segment, numberText).map(([q, l]) => `/api/search?q=${q}&limit=${l}`),
  numberText.map((l) => `/api/orders?limit=${l}`),
  fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
);

/** Header values a client can send on the wire: visible ASCII, spaces, and bytes ≥ 0x80 (obs-text, sent as latin1). */
const headerText = (max: number) => fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength: max }).map((s) => s.trim());
const visible = (min: number, max: number) => fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: min, maxLength: max });
const optionalHeader = (name: string, values: fc.Arbitrary<string>) => fc.oneof(fc.constant([] as [string, string][]), values.map((v) => [[name, v]] as [string, string][]), fc.tuple(values, values).map(([a, b]) => [[name, a], [name, b]] as [string, string][]));

const TIMEOUTS = ['abc', '-1', '0', '1.5', '1e3', '60001', '99999999999999', '100, 200', '', ' ', '0x10', 'Infinity', '2000'];
const SHORT_TIMEOUTS = ['1', '5'];

/** One header changed: replaced by a hostile value, doubled, or (for those that matter) dropped. */
function headerMutation(size: SeedSize): fc.Arbitrary<(h: [string, string][]) => [string, string][]> {
  const set = (name: string, values: fc.Arbitrary<[string, string][]>) => values.map((v) => (h: [string, string][]) => [...h.filter(([n]) => n !== name), ...v]);
  return fc.oneof(
    set('authorization', optionalHeader('authorization', fc.oneof(
      fc.integer({ min: 1, max: size.customers + 5 }).map((c) => `Bearer ${token(c)}`),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic abc', 'bearer tok-00001', `Bearer ${'x'.repeat(300)}`),
      visible(1, 60).map((t) => `Bearer ${t}`),
    ))),
    set('idempotency-key', optionalHeader('idempotency-key', fc.oneof(visible(1, 40), headerText(40), fc.constantFrom('', 'x'.repeat(200))))),
    set('content-type', optionalHeader('content-type', fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'application/json; charset=utf-8',
      'application/x-www-form-urlencoded', 'application/problem+json', 'multipart/form-data; boundary=x', 'application/jsonx', ''))),
    set('x-timeout-ms', fc.constantFrom(...TIMEOUTS, ...SHORT_TIMEOUTS).map((v) => [['x-timeout-ms', v]] as [string, string][])),
    set('x-request-id', optionalHeader('x-request-id', fc.oneof(visible(1, 40), headerText(40), fc.constantFrom('', 'r'.repeat(200))))),
    fc.array(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), headerText(60)), { minLength: 1, maxLength: 3 }).map((extra) => (h: [string, string][]) => [...h, ...extra]),
  );
}

/** A JSON text in which the string "\u0001RAW:<text>" stands for <text> written raw (numbers JSON.stringify cannot write). */
const raw = (text: string) => `\u0001RAW:${text}`;
const withRaw = (value: unknown) => JSON.stringify(value).replace(/"\\u0001RAW:([^"]*)"/g, '$1');

const wrongType = fc.constantFrom<unknown>(null, true, 'x', 7, 1.5, [], {}, [null], { a: 1 });
const nulString = fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\u0000${b}`);

/** Values for one contract field: mostly right, often wrong in type, range, length or content. */
export function valueFor(schema: Schema, examples: Record<string, fc.Arbitrary<unknown>> = {}, field = ''): fc.Arbitrary<unknown> {
  const anyWrong = fc.oneof(wrongType, nulString, fc.constantFrom(raw('1e400'), raw('-0'), raw('1E2'), 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e308));
  // Mostly right (so that requests get deep), one value in ten wrong in type, range, length or content.
  const mostly = (right: fc.Arbitrary<unknown>, ...wrong: fc.Arbitrary<unknown>[]) => fc.oneof({ weight: 9, arbitrary: right }, { weight: 1, arbitrary: fc.oneof(anyWrong, ...wrong) });
  switch (schema.kind) {
    case 'str': return mostly(examples[field] ?? fc.string({ minLength: schema.min, maxLength: Math.min(schema.max, 40), unit: 'binary' }), fc.constant('s'.repeat(schema.max + 1)));
    case 'int': return mostly(examples[field] ?? fc.integer({ min: Math.max(schema.min, -1e6), max: Math.min(schema.max, 1e6) }), fc.constantFrom(schema.min - 1, schema.max + 1, 0.5, raw('1.0'), raw('1e1')));
    case 'num': return mostly(fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'bool': return mostly(fc.boolean());
    case 'list': return mostly(fc.array(valueFor(schema.item, examples, field), { minLength: schema.min, maxLength: Math.min(schema.max, 2) }),
      valueFor(schema.item, examples, field).map((v) => Array(schema.max + 1).fill(v)));
    case 'msg': {
      const fields = Object.fromEntries(Object.entries(schema.fields as Record<string, Schema>).map(([k, s]) => [k, valueFor(s, examples, k)]));
      return mostly(fc.record(fields), fc.record(fields, { requiredKeys: [] }),
        fc.tuple(fc.record(fields), fc.constantFrom('extra', '__proto__', 'constructor', 'toString'), wrongType).map(([v, k, x]) => ({ ...v, [k]: x })));
    }
  }
}

/** Bodies that are not a contract's JSON at all. */
const hostileBody = fc.oneof(
  fc.integer({ min: 100, max: 20_000 }).map((n) => Buffer.from('['.repeat(n) + ']'.repeat(n))),
  fc.integer({ min: 100, max: 6_000 }).map((n) => Buffer.from('{"a":'.repeat(n) + '1' + '}'.repeat(n))),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.constantFrom('', 'null', '[]', '"text"', '42', 'true', '{', '{"lines": [', '{"lines":[{"sku":"SKU-000001","qty":1}]}garbage').map((t) => Buffer.from(t)),
  fc.constant(Buffer.concat([Buffer.from('{"lines":[{"sku":"SKU-00'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('0001","qty":1}]}')])),
  fc.constant(Buffer.from('{"lines":[{"sku":"SKU-000001\u0000","qty":1}]}')),
  fc.constant(Buffer.from(JSON.stringify({ lines: [], pad: 'x'.repeat(70_000) }))),
);

/** Checkout and return bodies: a right one (a real order), or one field wrong. */
function checkoutBody(size: SeedSize) {
  const sku = fc.integer({ min: 1, max: size.skus }).map(skuId);
  const Line = { kind: 'msg', fields: { sku: { kind: 'str', min: 1, max: 32 }, qty: { kind: 'int', min: 1, max: 1000 } } } as const;
  const Body = { kind: 'msg', fields: { lines: { kind: 'list', item: Line, min: 1, max: 100 }, coupon: { kind: 'str', min: 0, max: 32 }, paymentToken: { kind: 'str', min: 0, max: 64 } } } as const;
  const examples = { sku, qty: fc.integer({ min: 1, max: 3 }), coupon: fc.constantFrom('', 'WELCOME10', 'NOPE'), paymentToken: fc.constantFrom(PAYMENT_OK, 'pm_card_declined', '') };
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ lines: fc.array(fc.record({ sku, qty: fc.integer({ min: 1, max: 2 }) }), { minLength: 1, maxLength: 2 }), paymentToken: fc.constant(PAYMENT_OK) }).map((v) => Buffer.from(JSON.stringify(v))) },
    valueFor(Body as unknown as Schema, examples).map((v) => Buffer.from(withRaw(v))),
  );
}

/** A right request of one of the five workflows (checkouts and returns with fresh idempotency keys). */
function workflowRequest(size: SeedSize): fc.Arbitrary<RawRequest> {
  const customer = fc.integer({ min: 1, max: size.customers });
  const key = fc.stringMatching(/^fuzz-[a-z0-9]{12}$/);
  const auth = (c: number): [string, string] => ['authorization', `Bearer ${token(c)}`];
  const json: [string, string] = ['content-type', 'application/json'];
  return fc.oneof(
    fc.tuple(customer, key, checkoutBody(size)).map(([c, k, body]) => ({ method: 'POST', target: '/api/checkout', headers: [json, auth(c), ['idempotency-key', k]], body })),
    fc.tuple(customer, key, fc.constantFrom('ord-1', 'ord-0000000000000000000a')).map(([c, k, orderId]) => ({ method: 'POST', target: '/api/returns', headers: [json, auth(c), ['idempotency-key', k]], body: Buffer.from(JSON.stringify({ orderId })) })),
    fc.integer({ min: 1, max: size.skus }).map((i) => ({ method: 'GET', target: `/api/products/${skuId(i)}`, headers: [] })),
    fc.constantFrom('speaker', 'lamp audio', 'kettle').map((q) => ({ method: 'GET', target: `/api/search?q=${encodeURIComponent(q)}&limit=5`, headers: [] })),
    customer.map((c) => ({ method: 'GET', target: '/api/orders?limit=5', headers: [auth(c)] })),
  ) as fc.Arbitrary<RawRequest>;
}

type Mutation = (r: RawRequest) => RawRequest;

/**
 * Well-formed HTTP requests for the front door: a right request of some workflow with none, one or a
 * few things made wrong — method, target, a header, the body, the framing — so that most of them get
 * past the edge and into the services before something is refused.
 */
export function frontDoorRequest(size: SeedSize): fc.Arbitrary<Generated> {
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH').map((method) => (r: RawRequest) => ({ ...r, method })),
    target.map((t) => (r: RawRequest) => ({ ...r, target: t })),
    { weight: 3, arbitrary: headerMutation(size).map((m) => (r: RawRequest) => ({ ...r, headers: m(r.headers) })) },
    { weight: 2, arbitrary: fc.oneof(checkoutBody(size), hostileBody).map((body) => (r: RawRequest) => ({ ...r, body })) },
    fc.constant((r: RawRequest) => ({ ...r, body: undefined })),
    fc.constant((r: RawRequest) => ({ ...r, chunked: r.body !== undefined })),
  );
  return fc.tuple(workflowRequest(size), fc.array(mutation, { maxLength: 3 })).map(([base, mutations]) => {
    const request = mutations.reduce((r, m) => m(r), base);
    return { request, shortDeadline: request.headers.some(([n, v]) => n === 'x-timeout-ms' && SHORT_TIMEOUTS.includes(v)) };
  });
}

/** Well-formed HTTP requests for one service's own RPC port: its routes with contract-aware bodies, and others. */
export function rpcRequest(service: string, method: string, input: Schema, examples: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Generated> {
  const none = fc.constant([] as [string, string][]);
  return fc.record({
    method: fc.oneof({ weight: 6, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE') }),
    target: fc.oneof({ weight: 6, arbitrary: fc.constant(`/rpc/${service}/${method}`) }, { weight: 1, arbitrary: target }),
    deadline: fc.oneof({ weight: 3, arbitrary: fc.constantFrom<[string, string][]>([], [['x-deadline-ms', '2000']]) },
      { weight: 1, arbitrary: fc.constantFrom(...TIMEOUTS, '1', '0.5').map((v) => [['x-deadline-ms', v]] as [string, string][]) }),
    requestId: fc.oneof({ weight: 3, arbitrary: none }, { weight: 1, arbitrary: optionalHeader('x-request-id', fc.oneof(visible(1, 40), headerText(40), fc.constantFrom('', 'r'.repeat(200)))) }),
    contentType: fc.oneof({ weight: 3, arbitrary: fc.constant([['content-type', 'application/json']] as [string, string][]) },
      { weight: 1, arbitrary: optionalHeader('content-type', fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1')) }),
    body: fc.oneof({ weight: 4, arbitrary: valueFor(input, examples).map((v) => Buffer.from(withRaw(v))) }, { weight: 1, arbitrary: hostileBody }),
  }).map((r) => ({
    request: { method: r.method, target: r.target, headers: [...r.deadline, ...r.requestId, ...r.contentType], body: r.body },
    shortDeadline: r.deadline.some(([, v]) => v === '1' || v === '0.5'),
  }));
}

/** Bytes that are not a well-formed HTTP/1.1 request: node's parser answers 400/413/431 and closes, or just closes. */
export const malformedHttp: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.stringMatching(/^[A-Z]{1,12}$/).map((m) => Buffer.from(`${m}X / HTTP/1.1\r\nhost: x\r\n\r\n`)),
  fc.constantFrom(
    'GET / HTTP/9.9\r\nhost: x\r\n\r\n', 'GET /\r\n\r\n', 'GET /a b HTTP/1.1\r\nhost: x\r\n\r\n', 'GET /\x01 HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET / HTTP/1.1\r\nno-colon-here\r\n\r\n', 'GET / HTTP/1.1\r\nbad name: x\r\n\r\n', 'GET / HTTP/1.1\r\nx-a: a\x00b\r\n\r\n',
    'GET / HTTP/1.1\nhost: x\n\n', 'POST /api/checkout HTTP/1.1\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
    'POST /api/checkout HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 'POST /api/checkout HTTP/1.1\r\ncontent-length: -1\r\n\r\n',
    'POST /api/checkout HTTP/1.1\r\ncontent-length: abc\r\n\r\n', 'POST /api/checkout HTTP/1.1\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}',
    'POST /api/checkout HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n{}', 'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n',
    'GET / HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: h2c\r\n\r\n', 'GET / HTTP/1.1\r\nhost: x\r\n', 'POST /api/checkout HTTP/1.1\r\ncontent-length: 10\r\n\r\n{}',
  ).map((t) => Buffer.from(t, 'latin1')),
  fc.integer({ min: 17_000, max: 40_000 }).map((n) => Buffer.from(`GET /${'a'.repeat(n)} HTTP/1.1\r\nhost: x\r\n\r\n`)),
  fc.integer({ min: 17_000, max: 40_000 }).map((n) => Buffer.from(`GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(n)}\r\n\r\n`)),
);
