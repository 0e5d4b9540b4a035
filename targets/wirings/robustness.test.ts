// No request can take a process down, and deadlines hold inside a process. Against running wirings
// (services/http and monolith, on real Postgres): the cases found in a user trial as regression
// tests, then a fixed-seed fast-check barrage of generated requests — paths, methods, headers, bodies,
// encodings, raw bytes that are not HTTP — at the front door, at one service's own HTTP RPC port and
// at a gRPC server hosting real services. Every answer is below 500 (a 504 only where the request asked
// for a 1–5 ms timeout) and in the documented error shape; no well-formed request loses its connection;
// afterwards the wiring still takes orders and every invariant holds.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkoutRequest } from '../../scenarios/requests.js';
import { Catalog } from '../contracts/product/catalog.js';
import { Pricing } from '../contracts/product/pricing.js';
import { checkInvariants } from '../db/invariants.js';
import { servicePool } from '../db/pools.js';
import { prepareDatabases } from '../db/prepare.js';
import { PAYMENT_OK, skuId, token, type SeedSize } from '../db/seed-data.js';
import { isCode } from '../kit/errors.js';
import { wrapHandlers, type Handler } from '../kit/handler.js';
import { protoCodecs } from '../kit/proto.js';
import { dispatcher } from '../kit/envelope.js';
import type { Listener } from '../kit/transport.js';
import { loadTransport } from '../kit/transports/index.js';
import { SERVICES } from '../services.js';
import { encodeRequest, errorShapeProblem, sendRaw, type RawAnswer, type RawRequest } from './raw-http.js';
import { frontDoorRequest, malformedHttp, rpcRequest, valueFor, type Generated } from './request-arbitraries.js';
import { startWiring, type RunningWiring } from './supervisor.js';
import { frontDoorClient } from './testing.js';

const SIZE: SeedSize = { skus: 2_000, customers: 50 };
const SEED = 20_261_201;
/** Per wiring: front-door requests and raw malformed ones; once: service RPC port and gRPC calls. 2,300 in all. */
const RUNS = { frontDoor: 700, malformed: 150, rpc: 300, grpc: 300 };
const dbUrls = inject('dbUrls');

const port = (url: string) => Number(new URL(url).port);
const get = (target: string, headers: [string, string][] = []): RawRequest => ({ method: 'GET', target, headers });
const post = (target: string, body: string, headers: [string, string][] = []): RawRequest => ({ method: 'POST', target, headers: [['content-type', 'application/json'], ...headers], body: Buffer.from(body) });
const checkoutHeaders = (customer: number, key: string): [string, string][] => [['authorization', `Bearer ${token(customer)}`], ['idempotency-key', key]];

interface Tally { requests: number; byStatus: Record<string, number>; malformedAnswered: number; malformedClosed: number; }
const newTally = (): Tally => ({ requests: 0, byStatus: {}, malformedAnswered: 0, malformedClosed: 0 });

/** What is wrong with the answer to a well-formed request (undefined when it is right). */
function answerProblem(g: Generated, a: RawAnswer): string | undefined {
  if (a.status === undefined) return `dropped: ${a.error}`;
  const deadline = a.status === 504 && g.shortDeadline && JSON.parse(a.body).error?.code === 'DEADLINE_EXCEEDED';
  if (a.status >= 500 && !deadline) return `status ${a.status}: ${a.body.slice(0, 300)}`;
  if (g.request.method === 'HEAD') return undefined;
  if (a.status >= 400) return errorShapeProblem(a.body, isCode);
  try { JSON.parse(a.body); } catch { return `a ${a.status} whose body is not JSON: ${a.body.slice(0, 120)}`; }
  return undefined;
}

const describeRequest = (r: RawRequest) => `${r.method} ${r.target.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 300)} body ${r.body ? JSON.stringify(r.body.subarray(0, 200).toString('latin1')) : '-'}`;

async function barrage(gatewayPort: number, arbitrary: fc.Arbitrary<Generated>, runs: number, tally: Tally) {
  await fc.assert(fc.asyncProperty(arbitrary, async (g) => {
    const a = await sendRaw(gatewayPort, encodeRequest(g.request));
    tally.requests++;
    let reason = '';
    try { reason = JSON.parse(a.body).error?.reason ?? ''; } catch { /* counted by status alone */ }
    const key = `${a.status ?? 'none'}${reason ? ` ${reason}` : ''}`;
    tally.byStatus[key] = (tally.byStatus[key] ?? 0) + 1;
    const problem = answerProblem(g, a);
    if (problem) throw new Error(`${describeRequest(g.request)} → ${problem}`);
  }), { seed: SEED, numRuns: runs, endOnFailure: true });
}

async function malformedBarrage(gatewayPort: number, runs: number, tally: Tally) {
  await fc.assert(fc.asyncProperty(malformedHttp, async (bytes) => {
    const a = await sendRaw(gatewayPort, bytes, { halfClose: true });
    tally.requests++;
    if (a.status === undefined) tally.malformedClosed++;
    else tally.malformedAnswered++;
    if (a.status !== undefined && a.status >= 500) throw new Error(`${JSON.stringify(bytes.subarray(0, 200).toString('latin1'))} → ${a.status} ${a.body}`);
  }), { seed: SEED, numRuns: runs, endOnFailure: true });
}

async function expectError(gatewayPort: number, r: RawRequest, status: number, reason: string, mentions?: string) {
  const a = await sendRaw(gatewayPort, encodeRequest(r));
  expect(a.status, `${describeRequest(r)}: ${a.body}`).toBe(status);
  expect(errorShapeProblem(a.body, isCode), a.body).toBeUndefined();
  const error = JSON.parse(a.body).error;
  expect(error.reason, a.body).toBe(reason);
  if (mentions) expect(error.message).toContain(mentions);
}

/** Statements of a domain database waiting on a lock (one the test holds); polled while a cancel lands. */
async function waitingOnLocks(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (let i = 0; ; i++) {
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`);
      if (rows[0].n === 0 || i >= 100) return rows[0].n;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await c.end();
  }
}

const tallies: Record<string, Tally> = {};

for (const name of ['services/http', 'monolith']) {
  describe(`${name} under hostile requests`, () => {
    let wiring: RunningWiring;
    let door: number;
    const tally = (tallies[name] = newTally());

    beforeAll(async () => {
      await prepareDatabases(dbUrls, SERVICES, SIZE);
      wiring = await startWiring({ wiring: name, dbUrls });
      door = port(wiring.gatewayUrl);
    });

    afterAll(async () => {
      await wiring?.stop();
      expect(wiring?.exits().filter((e) => e.code !== 0 || e.signal !== null), 'processes that did not stop cleanly').toEqual([]);
    });

    it('answers the cases of the user trial with a 4xx naming the problem, and keeps serving', async () => {
      await expectError(door, get('//'), 404, 'NO_ROUTE');
      await expectError(door, get('/api/products/%E0%A4%A'), 400, 'INVALID_INPUT', 'percent-encoded');
      await expectError(door, get('/api/products/%00'), 400, 'INVALID_INPUT', 'NUL');
      await expectError(door, post('/api/checkout', `{"lines":[{"sku":"${skuId(3)}","qty":1}],"paymentToken":"pm\\u0000"}`, checkoutHeaders(1, 'nul-1')), 400, 'INVALID_INPUT', 'paymentToken');
      await expectError(door, post('/api/checkout', `{"lines":[{"sku":"SKU-\\u00000001","qty":1}]}`, checkoutHeaders(1, 'nul-2')), 400, 'INVALID_INPUT', 'lines[0].sku');
      await expectError(door, get('/api/search?q=%00'), 400, 'INVALID_INPUT', 'NUL');
      await expectError(door, { ...post('/api/checkout', '{}', checkoutHeaders(1, 'ct-1')), headers: [['content-type', 'text/plain'], ...checkoutHeaders(1, 'ct-1')] }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectError(door, get('/api/orders', [['authorization', `Bearer ${token(1)}`], ['x-timeout-ms', 'soon']]), 400, 'INVALID_INPUT', 'x-timeout-ms');
      await expectError(door, get('/api/orders', [['authorization', `Bearer ${token(1)}`], ['x-request-id', 'r'.repeat(300)]]), 400, 'INVALID_INPUT', 'x-request-id');
      await expectError(door, get('/api/orders?limit=99999999999999999999', [['authorization', `Bearer ${token(1)}`]]), 400, 'INVALID_INPUT', 'limit');
      await expectError(door, post('/api/checkout', '[1,2]', checkoutHeaders(1, 'arr-1')), 400, 'INVALID_INPUT', 'JSON object');
      await expectError(door, post('/api/checkout', `{"lines":[{"sku":"${skuId(3)}","qty":2147483648}]}`, checkoutHeaders(1, 'big-1')), 400, 'INVALID_INPUT', 'lines[0].qty');
      await expectError(door, post('/api/checkout', `{"lines":[{"sku":"${skuId(3)}","qty":1}],"constructor":1}`, checkoutHeaders(1, 'proto-1')), 400, 'INVALID_INPUT', 'constructor: unknown field');
      await expectError(door, post('/api/checkout', '['.repeat(20_000) + ']'.repeat(20_000), checkoutHeaders(1, 'deep-1')), 400, 'INVALID_INPUT', 'JSON object');
      expect((await sendRaw(door, encodeRequest(get('/health/live')))).status).toBe(404);
      const ok = await sendRaw(door, encodeRequest(post('/api/checkout', JSON.stringify({ lines: [{ sku: skuId(3), qty: 1 }], paymentToken: PAYMENT_OK }), checkoutHeaders(1, 'after-trial'))));
      expect(ok.status, ok.body).toBe(201);
      if (name === 'services/http') {
        const rpc = Number(wiring.rpcAddresses.pricing.split(':')[1]);
        const quote = JSON.stringify({ lines: [{ sku: skuId(3), qty: 1 }], currency: 'USD', country: 'US' });
        for (const bad of ['soon', '-1', '0', '1e99', 'NaN', '100, 200']) {
          await expectError(rpc, post('/rpc/pricing/quote', quote, [['x-deadline-ms', bad]]), 400, 'INVALID_INPUT', 'x-deadline-ms');
        }
        await expectError(rpc, post('/rpc/pricing/quote', '{"lines":[{"sku":"a\\u0000","qty":1}],"currency":"USD","country":"US"}'), 400, 'INVALID_INPUT', 'NUL');
        expect((await sendRaw(rpc, encodeRequest(post('/rpc/pricing/quote', quote, [['x-deadline-ms', '2000']])))).status).toBe(200);
      }
    });

    it(`survives ${RUNS.frontDoor} generated requests and ${RUNS.malformed} malformed ones at the front door`, async () => {
      await barrage(door, frontDoorRequest(SIZE), RUNS.frontDoor, tally);
      await malformedBarrage(door, RUNS.malformed, tally);
      console.log(`${name} front door: ${JSON.stringify(tally)}`);
      expect(tally.requests).toBe(RUNS.frontDoor + RUNS.malformed);
    });

    if (name === 'services/http') {
      it(`survives ${RUNS.rpc} generated requests at a service's own RPC port`, async () => {
        const rpcTally = (tallies['pricing rpc port'] = newTally());
        const examples = { sku: fc.integer({ min: 1, max: SIZE.skus + 10 }).map(skuId), qty: fc.integer({ min: 1, max: 5 }), currency: fc.constantFrom('USD', 'EUR', 'XXX'), country: fc.constantFrom('US', 'DE', 'ZZ') };
        await barrage(Number(wiring.rpcAddresses.pricing.split(':')[1]), rpcRequest('pricing', 'quote', Pricing.methods.quote.input, examples), RUNS.rpc, rpcTally);
        console.log(`pricing RPC port: ${JSON.stringify(rpcTally)}`);
      });
    }

    it('still takes orders afterwards, every invariant holds and no process died', async () => {
      const client = frontDoorClient(wiring.gatewayUrl);
      try {
        for (let n = 0; n < 3; n++) expect((await client.send(checkoutRequest(n, SIZE, 'after-barrage'))).status).toBe(201);
      } finally {
        await client.close();
      }
      const report = await checkInvariants(dbUrls, SERVICES);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(wiring.exits()).toEqual([]);
    });

    it('cancels a statement blocked past the deadline: a 504 at about the timeout, nothing left waiting, no order', async () => {
      const sku = skuId(123);
      const timeoutMs = 400;
      const locker = new pg.Client({ connectionString: dbUrls.logistics });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM warehouse.stock WHERE sku = $1 FOR UPDATE', [sku]);
      try {
        const body = JSON.stringify({ lines: [{ sku, qty: 1 }], paymentToken: PAYMENT_OK });
        const t0 = process.hrtime.bigint();
        // Without a bound inside the process the answer would wait for the lock, i.e. for this test's ROLLBACK.
        const a = await sendRaw(door, encodeRequest(post('/api/checkout', body, [...checkoutHeaders(2, 'locked-1'), ['x-timeout-ms', String(timeoutMs)]])), { timeoutMs: timeoutMs * 25 });
        const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
        expect(a.status, a.body || a.error).toBe(504);
        expect(JSON.parse(a.body).error.code).toBe('DEADLINE_EXCEEDED');
        // Ordering, not speed: not before the deadline, and while the lock was still held — so the bound
        // inside the process ended the wait, not the lock's release (which only comes after the answer).
        expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs * 0.95);
        expect((await locker.query('SELECT txid_current_if_assigned() IS NOT NULL AS held')).rows[0].held, 'the row lock is still held when the answer arrives').toBe(true);
        expect(await waitingOnLocks(dbUrls.logistics), 'statements still waiting on the lock after the answer').toBe(0);
      } finally {
        await locker.query('ROLLBACK');
        await locker.end();
      }
      // The checkout undoes a step whose answer it lost once that step is past its deadline, off the
      // caller's time; until then the key answers CHECKOUT_IN_PROGRESS, which a client retries.
      const retry = () => sendRaw(door, encodeRequest(post('/api/checkout', JSON.stringify({ lines: [{ sku, qty: 1 }], paymentToken: PAYMENT_OK }), checkoutHeaders(2, 'locked-1'))));
      let again = await retry();
      for (let i = 0; i < 50 && again.status === 409 && JSON.parse(again.body).error.reason === 'CHECKOUT_IN_PROGRESS'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        again = await retry();
      }
      expect(again.status, `the same key once the lock is gone: ${again.body}`).toBe(201);
      expect((await checkInvariants(dbUrls, SERVICES)).checks.filter((c) => !c.ok)).toEqual([]);
    });
  });
}

describe('a gRPC server hosting real services under hostile calls', () => {
  let server: Listener;
  let client: grpc.Client;
  const pools: pg.Pool[] = [];
  const statuses: Record<string, number> = {};

  beforeAll(async () => {
    await prepareDatabases(dbUrls, SERVICES, SIZE);
    const hosted = [Pricing, Catalog].map((contract) => {
      const db = servicePool(dbUrls.product, contract.name);
      pools.push(db);
      const api = SERVICES.implementation(contract.name).create({ deps: {}, db, loop: () => {} });
      return { contract, handlers: wrapHandlers(contract, api as Record<string, Handler>) };
    });
    server = await (await loadTransport('grpc')).serve(hosted.map((h) => h.contract), dispatcher(hosted), { port: 0, host: '127.0.0.1' });
    client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    await Promise.all(pools.map((p) => p.end()));
  });

  const call = (path: string, bytes: Buffer, metadata: grpc.Metadata, deadlineMs?: number) => new Promise<grpc.StatusObject>((resolve) => {
    const c = client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, bytes, metadata, deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs }, () => {});
    c.on('status', resolve);
  });

  it(`answers ${RUNS.grpc} generated calls with a status a client can act on, never INTERNAL or UNKNOWN`, async () => {
    const quote = protoCodecs(Pricing).quote;
    const paths = [quote.path, protoCodecs(Catalog).getProducts.path];
    const examples = { sku: fc.integer({ min: 1, max: SIZE.skus + 10 }).map(skuId), qty: fc.integer({ min: 1, max: 5 }), currency: fc.constantFrom('USD', 'EUR', 'XXX'), country: fc.constantFrom('US', 'DE', 'ZZ') };
    const encoded = valueFor(Pricing.methods.quote.input, examples).map((v) => {
      try { return quote.encodeRequest(v as object); } catch { return Buffer.from([0x0a, 0x05, 0xff]); }
    });
    const arbitrary = fc.record({
      path: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...paths) }, { weight: 1, arbitrary: fc.constantFrom('/splitbench.product.Pricing/Nope', '/nope/x') }),
      bytes: fc.oneof({ weight: 3, arbitrary: encoded }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
        { weight: 1, arbitrary: encoded.map((b) => b.subarray(0, Math.max(0, b.length - 2))) }),
      requestId: fc.option(fc.stringMatching(/^[!-~]{1,60}$/)),
      deadlineMs: fc.option(fc.constantFrom(1, 50, 5_000, 100_000_000)),
    });
    // Codes the services or the library answer on purpose; INTERNAL (13), UNKNOWN (2) or UNAVAILABLE (14) would be a bug.
    const allowed = new Set([grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.DEADLINE_EXCEEDED, grpc.status.NOT_FOUND, grpc.status.FAILED_PRECONDITION, grpc.status.UNIMPLEMENTED]);
    await fc.assert(fc.asyncProperty(arbitrary, async (g) => {
      const metadata = new grpc.Metadata();
      if (g.requestId !== null) metadata.set('x-request-id', g.requestId);
      const s = await call(g.path, g.bytes, metadata, g.deadlineMs ?? undefined);
      statuses[grpc.status[s.code]] = (statuses[grpc.status[s.code]] ?? 0) + 1;
      const what = `${g.path} ${g.bytes.toString('hex').slice(0, 80)} deadline ${g.deadlineMs} → ${grpc.status[s.code]} ${s.details}`;
      if (!allowed.has(s.code)) throw new Error(what);
      const ours = [grpc.status.INVALID_ARGUMENT, grpc.status.NOT_FOUND, grpc.status.FAILED_PRECONDITION].includes(s.code);
      if (ours && s.metadata.get('x-reason').length === 0) throw new Error(`${what}: no x-reason`);
    }), { seed: SEED, numRuns: RUNS.grpc, endOnFailure: true });
    console.log(`gRPC server: ${JSON.stringify(statuses)}`);
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(RUNS.grpc);
    const ok = await call(quote.path, quote.encodeRequest({ lines: [{ sku: skuId(3), qty: 1 }], currency: 'USD', country: 'US' }), new grpc.Metadata(), 5_000);
    expect(ok.code, ok.details).toBe(grpc.status.OK);
  });
});

describe('in all', () => {
  it('threw at least 2,000 generated requests and calls', () => {
    const total = Object.values(tallies).reduce((n, t) => n + t.requests, 0) + RUNS.grpc;
    expect(total).toBeGreaterThanOrEqual(2_000);
  });
});
