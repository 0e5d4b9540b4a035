// The study against answers known in advance, with real processes, real Postgres, real Toxiproxy and
// the real driver: notification is off the request path, so extracting it adds no checkout latency
// beyond its interval; checkout's own extraction adds at least its crossing calls × one hop's floor; and
// a link profile moves that delta by at least its round trip × the calls crossing.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { parseScenario } from '../../scenarios/scenario.js';
import { loadPrices } from '../../scenarios/prices.js';
import type { LinkProfile } from '../../scenarios/links.js';
import { cellDatabases } from '../../targets/db/cell-start.js';
import type { Databases } from '../../targets/db/connect.js';
import type { SeedSize } from '../../targets/db/seed-data.js';
import { SERVICES } from '../../targets/services.js';
import { startToxiproxy, type Toxiproxy } from '../../targets/wirings/toxiproxy.js';
import { describeWith } from '../describe-with.js';
import { builtinDrive } from '../bench/driver-process.js';
import { hopFloor } from '../bench/micro.js';
import { withinNoise } from '../../results/advise.js';
import { runStudy, type Study } from './study.js';

const SIZE: SeedSize = { skus: 2_000, customers: 50 };
const db: Databases = { urls: inject('dbUrls'), kind: 'test', stop: async () => {} };
const RTT_MS = 4;
const sameHost: LinkProfile = { name: 'same-host', description: 'loopback', rttMs: 0, jitterMs: 0, transfer: 'none', sources: [] };
const far: LinkProfile = { name: 'test-4ms', description: 'a test link', rttMs: RTT_MS, jitterMs: 0, transfer: 'inter-zone', sources: [] };

describeWith('toxiproxy', 'npm run advise, against known answers', () => {
  let toxiproxy: Toxiproxy;
  let study: Study;
  let floorP50Ms: number;
  beforeAll(async () => {
    toxiproxy = await startToxiproxy();
    floorP50Ms = (await hopFloor('http', 0.3)).p50Us / 1000;
    const scenario = parseScenario({
      name: 'advise-test', mix: { checkout: 1 }, arrival: { model: 'constant', rateRps: 20 }, durationS: 5, warmupS: 3, seed: SIZE, timeoutMs: 5000,
    }, 'advise-test (test)');
    study = await runStudy({
      services: ['notification', 'checkout'], transport: 'http', links: [sameHost, far], prices: loadPrices(), scenario, trials: 3, ladder: false,
      confidence: 0.99, db, fresh: await cellDatabases(db, SERVICES, SIZE), toxiproxy, drive: builtinDrive, runTag: `advise-${Date.now()}`, onStop: () => {},
    });
  }, 600_000);
  afterAll(async () => { await toxiproxy?.stop(); });

  const candidate = (service: string, link: string) => study.candidates.find((c) => c.service === service && c.link === link)!;
  const checkout = (service: string, link: string) => candidate(service, link).workflows.find((w) => w.workflow === 'checkout')!;

  it('runs the monolith between every two candidates, and every cell keeps its invariants', () => {
    expect(study.cells.filter((c) => c.link === 'same-host').map((c) => c.role).join(' ')).toBe('monolith candidate candidate monolith candidate candidate monolith candidate candidate monolith');
    for (const c of study.cells) expect(c.invariants.ok, `${c.wiring}: ${JSON.stringify(c.invariants)}`).toBe(true);
    for (const c of study.cells) expect(c.bill.usdPerMillionOrders).toBeGreaterThan(0);
  });

  it('notification (off the request path): no call crosses per checkout, its events do, and checkout latency moves no more than the interval allows', () => {
    const n = candidate('notification', 'same-host');
    expect(n.crossing.callsPerCheckout).toBe(0);
    expect(n.crossing.eventCallsPerRequest).toBeGreaterThan(0);
    const w = checkout('notification', 'same-host');
    expect(withinNoise(w.p50Ms), JSON.stringify(w.p50Ms)).toBe(true);
    expect(w.p50Ms.low).toBeLessThan(w.p50Ms.high);
  });

  it('checkout (the saga itself): every call it makes and takes crosses, and it costs at least that many hops at the floor', () => {
    const c = candidate('checkout', 'same-host');
    // gateway → checkout, then catalog, pricing, promotion, location, shipping, warehouse, payment, order.
    expect(c.crossing.callsPerCheckout).toBeGreaterThanOrEqual(9);
    const w = checkout('checkout', 'same-host');
    expect(w.p50Ms.value, `${c.crossing.callsPerCheckout} calls × ${floorP50Ms} ms`).toBeGreaterThanOrEqual(c.crossing.callsPerCheckout! * floorP50Ms);
    expect(w.p50Ms.low, JSON.stringify(w.p50Ms)).toBeGreaterThan(0);
    // notification resolves nothing (rank 1); checkout's resolved p50 or p99 ranks it behind.
    expect(c.rank).toBe(2);
    expect(['p99', 'p50']).toContain(c.rankedBy);
  });

  it(`a ${RTT_MS} ms link moves checkout's delta by at least ${RTT_MS} ms × the calls crossing, and notification's not at all`, () => {
    // The saga's 9 calls, plus a release for each declined payment: a few per cent more, varying by trial.
    const both = ['test-4ms', 'same-host'].map((l) => candidate('checkout', l).crossing.callsPerCheckout!);
    expect(Math.abs(both[0] - both[1]) / both[1], JSON.stringify(both)).toBeLessThan(0.1);
    const calls = Math.floor(Math.min(...both));
    const moved = checkout('checkout', 'test-4ms').p50Ms.value - checkout('checkout', 'same-host').p50Ms.value;
    // Every crossing call of the saga is sequential: each pays the round trip once (5 % allowed for the noise of two deltas).
    expect(moved).toBeGreaterThanOrEqual(0.95 * RTT_MS * calls);
    expect(withinNoise(checkout('notification', 'test-4ms').p50Ms)).toBe(true);
    const linked = study.cells.filter((c) => c.link === 'test-4ms' && c.role === 'candidate');
    for (const c of linked) expect(c.linkApplied).toMatchObject({ name: 'test-4ms', rttMs: RTT_MS, jitterMs: 0 });
    for (const c of linked) expect(c.linkApplied!.boundaries).toBeGreaterThan(0);
  });
});
