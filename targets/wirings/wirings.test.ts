// The weavertest-style matrix: the same requests through the gateway of every wiring — headline,
// every transport at 6 and 21 processes, the ladder, one extraction — and the same calls straight to
// services through their contracts must give the same answers and leave the same database state,
// with every invariant holding. In-process calls run under strict contracts, so a call that breaks a
// contract fails here as it would across a process boundary.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { browseRequest, checkoutRequest, historyRequest, returnRequest, searchRequest } from '../../scenarios/requests.js';
import { alive } from '../db/embedded.js';
import { checkInvariants } from '../db/invariants.js';
import { prepareDatabases } from '../db/prepare.js';
import { PAYMENT_DECLINED, PAYMENT_OK, customerId, skuId, token, tokenExpired, type SeedSize } from '../db/seed-data.js';
import { REMOTE_TRANSPORT_NAMES } from '../kit/transports/index.js';
import { SERVICES } from '../services.js';
import { DEPLOYED_WIRINGS, LADDER_WIRINGS } from './placement.js';
import { startWiring, type RunningWiring } from './supervisor.js';
import { contractCaller, frontDoorClient, MATRIX_WIRINGS, stateFingerprint, type Answer } from './testing.js';


/** Calls straight to services (service, method, input): answers, declared errors, and inputs that break the contract. */
const CONTRACT_CALLS: [string, string, unknown][] = [
  ['auth', 'verify', { token: token(2) }],
  ['auth', 'verify', { token: 'nope' }],
  ['customer', 'get', { customerId: customerId(2) }],
  ['catalog', 'getProducts', { skus: [skuId(1), skuId(2)] }],
  ['catalog', 'getProducts', { skus: ['SKU-999999'] }],
  ['pricing', 'quote', { lines: [{ sku: skuId(3), qty: 2 }], currency: 'EUR', country: 'DE' }],
  ['pricing', 'quote', { lines: [{ sku: skuId(3), qty: 2 }], currency: 'EUR' }],
  ['pricing', 'quote', { lines: [{ sku: skuId(3), qty: 2.5 }], currency: 'EUR', country: 'DE', extra: 1 }],
  ['warehouse', 'availability', { skus: [skuId(4), skuId(500)] }],
  ['warehouse', 'release', { reservationId: 'no-such-reservation' }],
  ['search', 'query', { q: 'garden', limit: 3 }],
  ['review', 'summary', { sku: skuId(6) }],
  ['location', 'resolve', { country: 'DE' }],
  ['order', 'get', { orderId: 'no-such-order' }],
  ['operations', 'flags', {}],
];

const outcome = (p: Promise<unknown>) => p.then((output) => ({ output }), (e) => ({ error: { code: e.code, reason: e.reason } }));

const SIZE: SeedSize = { skus: 2_000, customers: 50 };
const dbUrls = inject('dbUrls');
const observed = new Map<string, { answers: Record<string, Answer>; state: Record<string, string> }>();

const checkoutBody = (lines: { sku: string; qty: number }[], paymentToken = PAYMENT_OK) => JSON.stringify({ lines, paymentToken });
const auth = (customer: number, key?: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token(customer)}`, ...(key ? { 'idempotency-key': key } : {}) });

for (const name of MATRIX_WIRINGS) {
  describe(`wiring ${name}`, () => {
    let wiring: RunningWiring;
    let client: ReturnType<typeof frontDoorClient>;
    const answers: Record<string, Answer> = {};

    beforeAll(async () => {
      await prepareDatabases(dbUrls, SERVICES, SIZE);
      wiring = await startWiring({ wiring: name, dbUrls, strictContracts: true });
      client = frontDoorClient(wiring.gatewayUrl);
    });

    afterAll(async () => {
      await client?.close();
      const pids = wiring?.pids ?? [];
      await wiring?.stop();
      expect(pids.filter(alive), 'processes left running after stop').toEqual([]);
    });

    it('serves every workflow', async () => {
      for (let n = 0; n < 8; n++) answers[`checkout ${n}`] = await client.send(checkoutRequest(n, SIZE, 'test'));
      expect(Object.values(answers).map((a) => a.status)).toEqual(Array(8).fill(201));
      answers['checkout 0 retried'] = await client.send(checkoutRequest(0, SIZE, 'test'));
      expect(answers['checkout 0 retried']).toEqual(answers['checkout 0']);
      for (let n = 0; n < 3; n++) answers[`browse ${n}`] = await client.send(browseRequest(n, SIZE));
      for (let n = 0; n < 3; n++) answers[`search ${n}`] = await client.send(searchRequest(n));
      answers.history = await client.send(historyRequest(0, SIZE));
      answers.return = await client.send(returnRequest(answers['checkout 0'].body.orderId, 1, 'test'));
      answers['return retried'] = await client.send(returnRequest(answers['checkout 0'].body.orderId, 1, 'test'));
      answers['return other key'] = await client.send(returnRequest(answers['checkout 0'].body.orderId, 1, 'test-again'));
      expect(answers['browse 0'].status).toBe(200);
      expect(answers['search 0'].body.hits.length).toBeGreaterThan(0);
      expect(answers.history.body.orders.length).toBeGreaterThan(0);
      expect(answers.return.status).toBe(201);
      expect(answers['return retried']).toEqual(answers.return);
      expect(answers['return other key'].body.error.reason).toBe('ALREADY_RETURNED');
    });

    it('releases the stock of a declined payment and replays the decline', async () => {
      const sku = skuId(77);
      const before = (await client.call('GET', `/api/products/${sku}`)).body.available;
      answers.declined = await client.call('POST', '/api/checkout', auth(3, 'declined-1'), checkoutBody([{ sku, qty: 2 }], PAYMENT_DECLINED));
      expect(answers.declined.status).toBe(402);
      expect(answers.declined.body.error.reason).toBe('PAYMENT_DECLINED');
      expect((await client.call('GET', `/api/products/${sku}`)).body.available).toBe(before);
      answers['declined retried'] = await client.call('POST', '/api/checkout', auth(3, 'declined-1'), checkoutBody([{ sku, qty: 2 }], PAYMENT_DECLINED));
      expect(answers['declined retried']).toEqual(answers.declined);
      answers['key reused'] = await client.call('POST', '/api/checkout', auth(3, 'declined-1'), checkoutBody([{ sku, qty: 1 }]));
      expect(answers['key reused'].body.error.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('answers bad input with a 4xx naming the problem', async () => {
      const bad = async (label: string, status: number, reason: string, p: Promise<Answer>) => {
        const a = (answers[label] = await p);
        expect(a.status, label).toBe(status);
        expect(a.body.error.reason, label).toBe(reason);
      };
      await bad('malformed json', 400, 'MALFORMED_JSON', client.call('POST', '/api/checkout', auth(1, 'bad-1'), '{"lines": ['));
      await bad('unknown sku', 404, 'UNKNOWN_SKU', client.call('POST', '/api/checkout', auth(1, 'bad-2'), checkoutBody([{ sku: 'SKU-999999', qty: 1 }])));
      await bad('negative qty', 400, 'INVALID_INPUT', client.call('POST', '/api/checkout', auth(1, 'bad-3'), checkoutBody([{ sku: skuId(5), qty: -1 }])));
      expect(answers['negative qty'].body.error.message).toContain('lines[0].qty');
      await bad('missing token', 401, 'MISSING_TOKEN', client.call('POST', '/api/checkout', { 'idempotency-key': 'bad-4' }, checkoutBody([{ sku: skuId(5), qty: 1 }])));
      await bad('bad token', 401, 'BAD_TOKEN', client.call('GET', '/api/orders', { authorization: 'Bearer nope' }));
      await bad('expired token', 401, 'TOKEN_EXPIRED', client.call('GET', '/api/orders', { authorization: `Bearer ${tokenExpired(1)}` }));
      await bad('oversized body', 413, 'BODY_TOO_LARGE', client.call('POST', '/api/checkout', auth(1, 'bad-5'), JSON.stringify({ lines: [], pad: 'x'.repeat(100_000) })));
      await bad('missing key', 400, 'MISSING_IDEMPOTENCY_KEY', client.call('POST', '/api/checkout', auth(1), checkoutBody([{ sku: skuId(5), qty: 1 }])));
      await bad('unknown product', 404, 'UNKNOWN_SKU', client.call('GET', '/api/products/SKU-999999'));
      await bad('search without q', 400, 'INVALID_INPUT', client.call('GET', '/api/search'));
      await bad('unknown route', 404, 'NO_ROUTE', client.call('GET', '/api/nothing'));
    });

    it('answers its services\' own contracts, errors and contract breaches included', async () => {
      const caller = await contractCaller(wiring, dbUrls);
      try {
        for (const [service, method, input] of CONTRACT_CALLS) answers[`${service}.${method} ${JSON.stringify(input)}`] = await outcome(caller.call(service, method, input)) as any;
      } finally {
        await caller.close();
      }
      expect(answers[`pricing.quote ${JSON.stringify(CONTRACT_CALLS[6][2])}`]).toEqual({ error: { code: 'INVALID_ARGUMENT', reason: 'INVALID_INPUT' } });
      expect(answers[`catalog.getProducts ${JSON.stringify(CONTRACT_CALLS[4][2])}`]).toMatchObject({ error: { code: 'NOT_FOUND' } });
    });

    it('keeps every invariant and records per-hop timing on remote edges', async () => {
      const report = await checkInvariants(dbUrls, SERVICES);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      const edges = (await wiring.stats()).flatMap((p) => p.edges);
      if (wiring.wiring.transport === 'inproc') expect(edges).toEqual([]);
      else {
        const checkoutHop = edges.find((e) => e.to === 'checkout') ?? edges.find((e) => e.to === 'payment');
        expect(checkoutHop?.calls).toBeGreaterThan(0);
        expect(checkoutHop!.rttUs.p50).toBeGreaterThanOrEqual(checkoutHop!.handlerUs.p50);
      }
      observed.set(name, { answers: { ...answers }, state: await stateFingerprint(dbUrls) });
    });

    it('lets exactly one of two concurrent checkouts take the last unit', async () => {
      const scarce = skuId(500);
      const race = await Promise.all([4, 5].map((c) => client.call('POST', '/api/checkout', auth(c, `race-${c}`), checkoutBody([{ sku: scarce, qty: 1 }]))));
      expect(race.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(race.find((a) => a.status === 409)!.body.error.reason).toBe('OUT_OF_STOCK');
      expect((await checkInvariants(dbUrls, SERVICES)).ok).toBe(true);
    });
  });
}

describe('across wirings', () => {
  it('every wiring gives the monolith\'s answers and leaves its database state', () => {
    const reference = observed.get('monolith')!;
    expect(reference).toBeDefined();
    for (const name of MATRIX_WIRINGS.slice(1)) {
      const got = observed.get(name);
      expect(got, `${name} did not run`).toBeDefined();
      expect(got!.answers, `${name} answers`).toEqual(reference.answers);
      expect(got!.state, `${name} database state`).toEqual(reference.state);
    }
  });
});

describe('deadlines', () => {
  for (const name of ['monolith', ...REMOTE_TRANSPORT_NAMES.map((t) => `services/${t}`)]) {
    it(`${name}: a deadline exceeded across a hop is a 504 DEADLINE_EXCEEDED, not a hang`, async () => {
      await prepareDatabases(dbUrls, SERVICES, SIZE);
      const wiring = await startWiring({ wiring: name, dbUrls, injectDelay: 'pricing=3000' });
      const client = frontDoorClient(wiring.gatewayUrl);
      try {
        const t0 = Date.now();
        const a = await client.call('POST', '/api/checkout', { ...auth(1, 'slow-1'), 'x-timeout-ms': '200' }, checkoutBody([{ sku: skuId(9), qty: 1 }]));
        expect(a.status).toBe(504);
        expect(a.body.error.code).toBe('DEADLINE_EXCEEDED');
        // Shape, not speed: the answer comes at the deadline, long before the injected delay would end.
        expect(Date.now() - t0).toBeLessThan(3000);
        expect((await checkInvariants(dbUrls, SERVICES)).ok).toBe(true);
      } finally {
        await client.close();
        await wiring.stop();
        expect(wiring.pids.filter(alive)).toEqual([]);
      }
    });
  }
});
