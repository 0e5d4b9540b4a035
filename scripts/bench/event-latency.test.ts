// Commit → consumed read from the databases: every event of the window counted once per subscriber,
// the events before the window left out, nothing left missing once the outbox has drained.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { relayFellBehind } from '../../results/run.js';
import { checkoutRequest } from '../../scenarios/requests.js';
import { checkInvariants } from '../../targets/db/invariants.js';
import { prepareDatabases } from '../../targets/db/prepare.js';
import type { SeedSize } from '../../targets/db/seed-data.js';
import { SERVICES } from '../../targets/services.js';
import { startWiring, type RunningWiring } from '../../targets/wirings/supervisor.js';
import { frontDoorClient } from '../../targets/wirings/testing.js';
import { eventLatency, outboxPosition, windowEnd } from './event-latency.js';

const SIZE: SeedSize = { skus: 2_000, customers: 50 };
const dbUrls = inject('dbUrls');

describe('event latency', () => {
  let wiring: RunningWiring;
  beforeAll(async () => {
    await prepareDatabases(dbUrls, SERVICES, SIZE);
    wiring = await startWiring({ wiring: 'domains/grpc', dbUrls });
  });
  afterAll(async () => { await wiring?.stop(); });

  it('counts the window\'s events per subscriber, and none from before it', async () => {
    const client = frontDoorClient(wiring.gatewayUrl);
    try {
      for (let n = 0; n < 3; n++) expect((await client.send(checkoutRequest(n, SIZE, 'before'))).status).toBe(201);
      const from = await outboxPosition(dbUrls);
      for (let n = 0; n < 20; n++) expect((await client.send(checkoutRequest(n, SIZE, 'window'))).status).toBe(201);
      const end = await windowEnd(dbUrls, from);
      expect((await checkInvariants(dbUrls, SERVICES)).ok).toBe(true);
      const e = await eventLatency(dbUrls, { from, ...end });
      expect(e.events).toBe(40);
      expect(e.all.latencyMs.count).toBe(40);
      expect(e.all.missing).toBe(0);
      expect(Object.fromEntries(e.subscribers.map((s) => [s.subscriber, [s.latencyMs.count, s.missing]]))).toEqual({
        notification: [20, 0], analytics: [20, 0], loyalty: [20, 0], customer: [20, 0], fulfillment: [20, 0],
      });
      for (const s of [e.all, ...e.subscribers]) {
        expect(s.latencyMs.p50).toBeLessThanOrEqual(s.latencyMs.p99);
        expect(s.latencyMs.p99).toBeLessThanOrEqual(s.latencyMs.max);
        // Each event until its last subscriber: never before any one subscriber had it.
        expect(e.all.latencyMs.max).toBeGreaterThanOrEqual(s.latencyMs.max);
      }
      expect(e.backlogAtEnd).toBeGreaterThanOrEqual(0);
      expect(e.backlogAtEnd).toBeLessThanOrEqual(40);
      expect(e.clock).toContain('database');
    } finally {
      await client.close();
    }
  });

  it('calls the relay behind when the window ends with more than a second of arrivals undelivered', () => {
    const base = { events: 100, arrivalPerS: 50, all: {} as never, subscribers: [], clock: '' };
    expect(relayFellBehind({ ...base, backlogAtEnd: 50 })).toBe(false);
    expect(relayFellBehind({ ...base, backlogAtEnd: 51 })).toBe(true);
  });
});
