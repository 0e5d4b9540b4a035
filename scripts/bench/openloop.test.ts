// The driver against local servers with a known stall: what an open-loop measurement must show, what
// a closed loop hides (coordinated omission), and that the summaries match the raw samples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpenLoop } from './openloop.js';
import type { Sample } from './recorder.js';
import type { DriverResult } from '../../results/run.js';
import { frontDoorServer, silentServer, stallingServer, testScenario, type TestServer } from './test-servers.js';

const STALL = { answerMs: 1, every: 50, stallMs: 400 };
const all = (r: DriverResult) => r.workflows.find((w) => w.workflow === 'all')!;
const slow = (samples: Sample[], key: 'latencyUs' | 'serviceUs') => samples.filter((s) => s[key] >= 100_000).length;

describe('open loop, 100 req/s for 10 s, 1 request in 50 held 400 ms on its own connection', () => {
  let server: TestServer;
  let result: DriverResult;
  const samples: Sample[] = [];
  beforeAll(async () => {
    server = await stallingServer(STALL);
    result = await runOpenLoop({
      targetUrl: server.url, runTag: 't1', scenario: testScenario({ model: 'constant', rateRps: 100 }, { durationS: 10, warmupS: 1 }),
      onSample: (s) => samples.push(s),
    });
  }, 25_000);
  afterAll(() => server?.close());

  it('sends every scheduled request and reports the stall in the tail but not in the median', () => {
    const a = all(result);
    expect(result.driver).toBe('builtin');
    expect(result.sent).toBe(1000);
    expect(result.dropped).toBe(0);
    expect(a.ok).toBe(1000);
    expect(a.latencyMs.count).toBe(1000);
    // The median is the unstalled answer: what it adds to the service time's median is a small fraction
    // (under 2 %) of what the stall adds to the tail — a ratio, so a slow shared machine moves both.
    expect(a.latencyMs.p50 - a.serviceTimeMs.p50).toBeLessThan((a.latencyMs.p99 - a.latencyMs.p50) / 50);
    expect(a.latencyMs.p50).toBeLessThan(a.latencyMs.p99 / 20);
    expect(a.latencyMs.p99).toBeGreaterThanOrEqual(300);
    // Other connections go on during a stall: about 1 sample in 50 is slow, no more.
    const share = slow(samples, 'latencyUs') / samples.length;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.04);
    expect(result.workflows.map((w) => w.workflow)).toEqual(['all', 'browse']);
  });

  it('reports the percentiles a nearest-rank computation gives on the raw samples (HdrHistogram precision)', () => {
    const a = all(result);
    const sorted = samples.map((s) => s.latencyUs).sort((x, y) => x - y);
    // Nearest rank; the epsilon keeps 0.99 × 1000 (= 990.0000000000001 in floating point) at rank 990.
    const rank = (p: number) => sorted[Math.ceil((p / 100) * sorted.length - 1e-9) - 1];
    expect(sorted.length).toBe(a.latencyMs.count);
    // 3 significant digits: within 0.1 % (plus the µs the histogram rounds to).
    const close = (reportedMs: number, rawUs: number) => expect(Math.abs(reportedMs * 1000 - rawUs)).toBeLessThanOrEqual(rawUs * 0.0011 + 2);
    close(a.latencyMs.p50, rank(50));
    close(a.latencyMs.p90, rank(90));
    close(a.latencyMs.p99, rank(99));
    close(a.latencyMs.p999, rank(99.9));
    close(a.latencyMs.max, sorted[sorted.length - 1]);
    close(a.latencyMs.mean, sorted.reduce((t, x) => t + x, 0) / sorted.length);
  });
});

describe('coordinated omission: the stall holds the one shared connection', () => {
  let server: TestServer;
  afterAll(() => server?.close());

  it('the open loop charges the wait to every queued request; a closed loop hides it', async () => {
    server = await stallingServer(STALL);
    const open: Sample[] = [];
    const closed: Sample[] = [];
    const o = await runOpenLoop({
      targetUrl: server.url, runTag: 't2', connections: 1, scenario: testScenario({ model: 'constant', rateRps: 100 }, { durationS: 8 }),
      onSample: (s) => open.push(s),
    });
    const c = await runOpenLoop({
      targetUrl: server.url, runTag: 't3', connections: 1, scenario: testScenario({ model: 'closed', concurrency: 1 }, { durationS: 8 }),
      onSample: (s) => closed.push(s),
    });
    const slowOpen = slow(open, 'latencyUs');
    const slowClosed = slow(closed, 'latencyUs');
    // Each stall delays the ~30 requests arriving behind it; the closed loop sees only the stalled one.
    expect(slowOpen).toBeGreaterThan(5 * slowClosed);
    expect(slowOpen / open.length).toBeGreaterThan(10 * (slowClosed / closed.length));
    expect(all(o).latencyMs.p90).toBeGreaterThan(10 * all(c).latencyMs.p90);
    // The open loop's service times look like the closed loop's: the difference is the waiting.
    expect(slowOpen).toBeGreaterThan(5 * slow(open, 'serviceUs'));
    // The waiting is reported: late sends, the connection wait, a warning; the driver itself kept time.
    expect(o.late).toBeGreaterThan(o.sent * 0.2);
    expect(o.connectionWaitMs!.p99).toBeGreaterThan(STALL.stallMs / 2);
    expect(o.warnings.join('\n')).toMatch(/waited for a free connection/);
    expect(o.schedulingLagMs.p99).toBeLessThan(o.connectionWaitMs!.p99 / 10);
    expect(c.warnings.join('\n')).toMatch(/closed model/);
  }, 25_000);
});

describe('maxInFlight exhausted', () => {
  let server: TestServer;
  afterAll(() => server?.close());

  it('counts the sends it could not start as dropped failures of their workflow, never as latencies', async () => {
    server = await silentServer();
    const r = await runOpenLoop({
      targetUrl: server.url, runTag: 't4', scenario: testScenario({ model: 'constant', rateRps: 100 }, { durationS: 2, maxInFlight: 5, timeoutMs: 3000 }),
    });
    expect(r.sent).toBe(5);
    expect(server.requests()).toBe(5);
    expect(r.dropped).toBe(200 - 5);
    // A dropped send is a failed send of its workflow, in every error rate; it has no latency, and a
    // timed-out one has its timeout: only the 5 timeouts are in the histogram.
    expect(all(r).errors).toEqual({ timeout: 5, dropped: 195 });
    expect(all(r).latencyMs.count).toBe(5);
    const flows = r.workflows.filter((w) => w.workflow !== 'all');
    expect(flows.reduce((t, w) => t + (w.errors.dropped ?? 0), 0)).toBe(195);
    expect(all(r).droppedOrTimedOutShare).toBe(1);
    expect(r.workflows.every((w) => w.lowerBound)).toBe(true);
    expect(r.achievedRps).toBe(0);
    expect(r.warnings.join('\n')).toMatch(/cannot keep the offered rate/);
    expect(r.warnings.join('\n')).toMatch(/100 % of the sends were dropped \(195\) or timed out \(5\).*lower bound/);
  }, 15_000);
});

describe('answers as the front door gives them', () => {
  it('counts a declined payment as ok, names errors by status and reason, returns only orders this run placed', async () => {
    const server = await frontDoorServer();
    try {
      const r = await runOpenLoop({
        targetUrl: server.url, runTag: 't5', scenario: testScenario({ model: 'constant', rateRps: 200 }, { durationS: 2, mix: { checkout: 2, return: 1, browse: 1 } }),
      });
      const flow = (w: string) => r.workflows.find((x) => x.workflow === w)!;
      const checkouts = flow('checkout').ok + (flow('checkout').errors['status 409 OUT_OF_STOCK'] ?? 0);
      expect(Object.keys(flow('checkout').errors)).toEqual(['status 409 OUT_OF_STOCK']);
      // One in four is out of stock; the declined one in four counts as ok.
      expect(flow('checkout').errors['status 409 OUT_OF_STOCK'] / checkouts).toBeCloseTo(0.25, 1);
      expect(flow('return').ok).toBeGreaterThan(0);
      expect(server.returned.every((id) => server.issued.includes(id))).toBe(true);
      expect(new Set(server.returned).size).toBe(server.returned.length);
      expect(flow('all').errors).toEqual(flow('checkout').errors);
      expect(r.sent).toBe(400);
    } finally {
      await server.close();
    }
  }, 15_000);

  it('counts refused connections as connection errors, not as latencies', async () => {
    const gone = await silentServer();
    await gone.close();
    const r = await runOpenLoop({ targetUrl: gone.url, runTag: 't6', scenario: testScenario({ model: 'constant', rateRps: 50 }, { durationS: 1 }) });
    expect(all(r).errors).toEqual({ connection: 50 });
    expect(all(r).latencyMs.count).toBe(0);
  }, 15_000);

  it('follows a ramp: as many sends as the area under it', async () => {
    const server = await stallingServer({ answerMs: 1, every: 1_000_000, stallMs: 0 });
    try {
      const r = await runOpenLoop({ targetUrl: server.url, runTag: 't7', scenario: testScenario({ model: 'ramp', startRps: 0, stages: [{ durationS: 2, targetRps: 200 }] }) });
      expect(r.durationS).toBe(2);
      expect(r.sent).toBe(200);
      expect(r.offeredRps).toBe(100);
    } finally {
      await server.close();
    }
  }, 15_000);
});
