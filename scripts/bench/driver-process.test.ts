// The driver in its own process (run `npx tsc -p .` first: the child runs the compiled entry).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDriverInChild } from './driver-process.js';
import type { PhaseProgress } from './progress.js';
import { stallingServer, testScenario, type TestServer } from './test-servers.js';

describe('runDriverInChild', () => {
  let server: TestServer;
  beforeAll(async () => { server = await stallingServer({ answerMs: 1, every: 1_000_000, stallMs: 0 }); });
  afterAll(() => server?.close());

  it('runs the plan in a child process, reporting progress per phase and the result', async () => {
    const progress: PhaseProgress[] = [];
    const r = await runDriverInChild(
      { targetUrl: server.url, runTag: 'child', scenario: testScenario({ model: 'constant', rateRps: 50 }, { durationS: 2, warmupS: 1 }) },
      (p) => progress.push(p),
    );
    expect(r.sent).toBe(100);
    expect(server.requests()).toBe(150);
    expect(r.workflows.find((w) => w.workflow === 'all')!.ok).toBe(100);
    expect(progress.some((p) => p.phase === 'warmup')).toBe(true);
    expect(progress.some((p) => p.phase === 'measure')).toBe(true);
    expect(progress.at(-1)!.sent).toBeGreaterThan(progress[0].sent!);
  }, 15_000);

  it('kills the child when the parent side fails, so nothing keeps sending', async () => {
    const run = runDriverInChild(
      { targetUrl: server.url, runTag: 'child-2', scenario: testScenario({ model: 'constant', rateRps: 100 }, { durationS: 10 }) },
      () => { throw new Error('the progress display broke'); },
    );
    await expect(run).rejects.toThrow('the progress display broke');
    await new Promise((r) => setTimeout(r, 200));
    const after = server.requests();
    await new Promise((r) => setTimeout(r, 500));
    expect(server.requests()).toBe(after);
  }, 15_000);
});
