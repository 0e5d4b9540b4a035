// What the fault machinery proves, with real processes, real Postgres, real Toxiproxy and the real
// driver: a killed payment process loses no order and charges none twice; a partition between two
// domains leaves stock conserved and every event delivered once; a slow database shows on the edges
// into its domain and not on the others; a checkout retried with the same key gets the first answer.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseScenario, type Scenario } from '../../scenarios/scenario.js';
import { checkoutRequest } from '../../scenarios/requests.js';
import { cellDatabases } from '../../targets/db/cell-start.js';
import type { Databases } from '../../targets/db/connect.js';
import { checkInvariants } from '../../targets/db/invariants.js';
import { prepareDatabases } from '../../targets/db/prepare.js';
import type { SeedSize } from '../../targets/db/seed-data.js';
import { SERVICES } from '../../targets/services.js';
import { WiringLinks } from '../../targets/wirings/links.js';
import { startWiring } from '../../targets/wirings/supervisor.js';
import { frontDoorClient } from '../../targets/wirings/testing.js';
import { startToxiproxy, type Toxiproxy } from '../../targets/wirings/toxiproxy.js';
import { describeWith } from '../describe-with.js';
import { runCell, type Cell } from './cell.js';
import { builtinDrive } from './driver-process.js';

const SIZE: SeedSize = { skus: 2_000, customers: 50 };
const dbUrls = inject('dbUrls');
const db: Databases = { urls: dbUrls, kind: 'test', stop: async () => {} };

const scenario = (name: string, faults: unknown[], over: Record<string, unknown> = {}): Scenario => parseScenario({
  name, mix: { checkout: 1 }, arrival: { model: 'constant', rateRps: 8 }, durationS: 8, warmupS: 1, seed: SIZE,
  timeoutMs: 2000, retry: { maxRetries: 2, backoffMs: 200 }, faults, ...over,
}, `${name} (test)`);

async function cell(wiring: string, s: Scenario, toxiproxy?: Toxiproxy): Promise<Cell> {
  const fresh = await cellDatabases(db, SERVICES, SIZE);
  return runCell({
    wiring, scenario: s, runTag: `${s.name}-${Date.now()}`, db, fresh, trial: 1, drive: builtinDrive,
    onPhase: () => {}, onProgress: () => {}, onStop: () => {}, faults: { toxiproxy, log: () => {} },
  });
}

const edge = (c: Cell, from: string, to: string) => c.edges.find((e) => e.from === from && e.to.toLowerCase().endsWith(to));

describe('a killed process', () => {
  it('services/grpc: payment killed mid-load and restarted loses no order and charges none twice', async () => {
    const c = await cell('services/grpc', scenario('kill-payment', [{ kind: 'kill', service: 'payment', atS: 3, durationS: 0 }]));
    const [w] = c.faults!.windows;
    expect(w.appliedTo).toEqual(['process payment']);
    expect(w.restartMs).toBeGreaterThan(0);
    // The kill bit: calls failed and were tried again (by the stubs or by the client).
    expect(c.faults!.clientRetries + c.faults!.serviceRetries).toBeGreaterThan(0);
    expect(c.faults!.failedButPlaced).toBe(0);
    expect(c.invariants.ok, JSON.stringify(c.invariants)).toBe(true);
    expect(c.invariants.checks.map((k) => k.name)).toEqual(expect.arrayContaining(['one authorized payment per order', 'no authorized payment without an order']));
    expect(c.faults!.timeline).toHaveLength(8);
    expect(c.faults!.timeline.reduce((n, s) => n + s.requests, 0)).toBe(c.driver.sent + c.driver.dropped);
  });
});

describeWith('toxiproxy', 'faults on links and databases', () => {
  let toxiproxy: Toxiproxy;
  beforeAll(async () => { toxiproxy = await startToxiproxy(); });
  afterAll(async () => { await toxiproxy?.stop(); });

  it('domains/http: a partition between commerce and logistics ends with stock conserved and every event delivered once', async () => {
    const c = await cell('domains/http', scenario('partition', [{ kind: 'partition', link: 'commerce→logistics', atS: 2, durationS: 3 }]), toxiproxy);
    const [w] = c.faults!.windows;
    expect(w.skipped).toBeUndefined();
    // Both ways are cut, but only commerce calls logistics (logistics never calls commerce): one proxy.
    expect(w.appliedTo).toEqual(['commerce→logistics']);
    // The partition bit: callers waited out their deadlines and the client sent again (over HTTP its
    // retries may hide every error, so errors are not what proves it).
    expect(c.faults!.clientRetries, JSON.stringify(w.during)).toBeGreaterThan(0);
    expect(w.during.p99Ms).toBeGreaterThan(w.before.p99Ms);
    expect(c.invariants.ok, JSON.stringify(c.invariants)).toBe(true);
    expect(c.faults!.failedButPlaced).toBe(0);
    expect(c.faults!.proxy).toBeUndefined();
  });

  it('the monolith: the same partition has no link to cut, and says so', async () => {
    const c = await cell('monolith', scenario('partition', [{ kind: 'partition', link: 'commerce→logistics', atS: 2, durationS: 1 }], { durationS: 4 }), toxiproxy);
    expect(c.faults!.windows[0].skipped).toMatch(/monolith is one process: no link between commerce and logistics/);
    expect(c.invariants.ok).toBe(true);
  });

  it('domains/grpc: a slow logistics database shows on checkout → warehouse and not on the calls into product', async () => {
    const slowMs = 100;
    const c = await cell('domains/grpc', scenario('slow-db', [{ kind: 'slow-db', domain: 'logistics', ms: slowMs, atS: 0, durationS: 6 }], { durationS: 6 }), toxiproxy);
    expect(c.faults!.windows[0].appliedTo).toEqual(['logistics→db logistics']);
    const warehouse = edge(c, 'checkout', 'warehouse')!;
    expect(warehouse.handlerUs.p50 / 1000).toBeGreaterThanOrEqual(slowMs);
    for (const to of ['catalog', 'pricing', 'promotion']) {
      const e = edge(c, 'checkout', to)!;
      expect(e.handlerUs.p50 / 1000, `checkout → ${to}`).toBeLessThan(slowMs / 2);
    }
    expect(c.invariants.ok).toBe(true);
  });

  it('domains/http: a checkout whose answer was lost on the way back, retried with the same key, gets the first answer', async () => {
    await prepareDatabases(dbUrls, SERVICES, SIZE);
    const links = new WiringLinks(toxiproxy, `retry_${Date.now()}`);
    const wiring = await startWiring({ wiring: 'domains/http', dbUrls, route: links.route });
    const client = frontDoorClient(wiring.gatewayUrl);
    try {
      const request = checkoutRequest(1, SIZE, 'lost-answer');
      // Answers from commerce to the gateway arrive after the front door's deadline: the checkout is
      // done in commerce, the client hears 5xx.
      const heal = await links.poison(links.between('gateway', 'checkout'), [{ name: 'late', type: 'latency', stream: 'downstream', attributes: { latency: 1500, jitter: 0 } }]);
      const first = await client.send(request, { 'x-timeout-ms': '1000' });
      await heal();
      expect(first.status).toBeGreaterThanOrEqual(500);
      const orders = await ordersOf(dbUrls.commerce);
      expect(orders).toHaveLength(1);
      const again = await client.send(request);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      expect(again.body.orderId).toBe(orders[0]);
      const third = await client.send(request);
      expect(third.body).toEqual(again.body);
      expect(await ordersOf(dbUrls.commerce)).toEqual(orders);
    } finally {
      await client.close();
      await wiring.stop();
      await links.close();
    }
    expect((await checkInvariants(dbUrls, SERVICES)).ok).toBe(true);
  });
});

async function ordersOf(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('SELECT order_id FROM "order".orders ORDER BY order_id')).rows.map((r) => r.order_id);
  } finally {
    await c.end();
  }
}
