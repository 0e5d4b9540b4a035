// Saturation against servers of known capacity: the closed model finds the ceiling (never above it),
// queues behind it (latency grows with connections), and reads outcomes like the open-loop driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSaturation, type SaturationMeasurement } from './saturation.js';
import { frontDoorServer, serialServer, testScenario, type TestServer } from './test-servers.js';

describe('saturation of a server that answers one request at a time in 10 ms (capacity 100 req/s)', () => {
  let server: TestServer;
  let m: SaturationMeasurement;
  beforeAll(async () => {
    server = await serialServer({ serviceMs: 10 });
    m = await runSaturation({ targetUrl: server.url, scenario: testScenario({ model: 'constant', rateRps: 1 }), runTag: 's1', connections: 8, warmupS: 1, durationS: 3 }, () => {});
  }, 20_000);
  afterAll(() => server?.close());

  it('finds the ceiling without exceeding it', () => {
    expect(m.errors).toBe(0);
    expect(m.maxRps).toBeLessThanOrEqual(105);
    // Timers on a busy machine fire late, so only a loose floor: the point is the order of magnitude.
    expect(m.maxRps).toBeGreaterThan(40);
    expect(m.ok).toBeGreaterThan(m.durationS * 40);
  });

  it('reports the queueing a closed model builds: 8 in flight wait for each other', () => {
    // Each answer waits behind the other 7: about 8 × 10 ms, far above the 10 ms service time.
    expect(m.latencyMs.p50).toBeGreaterThan(5 * 10);
    expect(m.latencyMs.max).toBeGreaterThanOrEqual(m.latencyMs.p99);
  });
});

describe('saturation reads outcomes like the open-loop driver', () => {
  it('counts a declined payment as ok, names errors by status and reason, returns orders it placed', async () => {
    const server = await frontDoorServer();
    try {
      const scenario = testScenario({ model: 'constant', rateRps: 1 }, { mix: { checkout: 3, return: 1 } });
      const m = await runSaturation({ targetUrl: server.url, scenario, runTag: 's2', connections: 4, warmupS: 0.5, durationS: 1.5 }, () => {});
      expect(m.ok).toBeGreaterThan(0);
      expect(Object.keys(m.errorKinds)).toEqual(['status 409 OUT_OF_STOCK']);
      expect(m.errors).toBe(m.errorKinds['status 409 OUT_OF_STOCK']);
      expect(server.returned.length).toBeGreaterThan(0);
      for (const id of server.returned) expect(server.issued).toContain(id);
    } finally {
      await server.close();
    }
  }, 20_000);
});
