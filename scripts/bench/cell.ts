// One measurement cell: a wiring under a scenario. Fresh seeded databases, start, drive, read the
// per-hop timing and cost, check the invariants, stop.
import type { Databases } from '../../targets/db/connect.js';
import { checkInvariants } from '../../targets/db/invariants.js';
import { prepareDatabases } from '../../targets/db/prepare.js';
import { startWiring } from '../../targets/wirings/supervisor.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { cost, processTreeCpuS } from './cost.js';
import type { Cell, DriverResult } from './results.js';

export type { Cell };

export type DriverName = 'builtin' | 'k6';
export interface DriveFn { (targetUrl: string, scenario: Scenario, runTag: string, onProgress: (p: DriveProgress) => void): Promise<DriverResult>; }
export interface DriveProgress { phase: string; elapsedS: number; remainingS: number; rateRps: number; p99Ms: number; }


export async function runCell(opts: {
  wiring: string; scenario: Scenario; trial: number; runTag: string; db: Databases; injectDelay?: string;
  drive: DriveFn; onPhase: (phase: string) => void; onProgress: (p: DriveProgress) => void; onStop: (stop: () => Promise<void>) => void;
}): Promise<Cell> {
  opts.onPhase('seed');
  await prepareDatabases(opts.db.urls, opts.scenario.seed);
  opts.onPhase('start');
  const wiring = await startWiring({ wiring: opts.wiring, dbUrls: opts.db.urls, injectDelay: opts.injectDelay });
  opts.onStop(wiring.stop);
  try {
    // Per-hop timing and CPU count from the end of the warm-up, like the driver's latencies.
    let before = await wiring.stats();
    let dbBefore = processTreeCpuS(opts.db.serverPid);
    let measuring: Promise<void> | undefined;
    const onProgress = (p: DriveProgress) => {
      if (p.phase === 'measure' && !measuring) {
        measuring = (async () => { await wiring.resetStats(); before = await wiring.stats(); dbBefore = processTreeCpuS(opts.db.serverPid); })();
      }
      opts.onProgress(p);
    };
    const driver = await Promise.race([
      opts.drive(wiring.gatewayUrl, opts.scenario, opts.runTag, onProgress),
      wiring.died.then((why) => { throw new Error(why); }),
    ]);
    await measuring;
    const after = await wiring.stats();
    const dbAfter = processTreeCpuS(opts.db.serverPid);
    opts.onPhase('invariants');
    const invariants = await checkInvariants(opts.db.urls);
    const requests = driver.workflows.find((w) => w.workflow === 'all')?.latencyMs.count ?? driver.sent;
    return {
      wiring: opts.wiring, scenario: opts.scenario.name, trial: opts.trial, processes: wiring.pids.length, startupMs: wiring.startupMs,
      settings: wiring.settings, driver,
      cost: cost(before, after, requests, dbBefore !== undefined && dbAfter !== undefined ? dbAfter - dbBefore : undefined),
      edges: after.flatMap((p) => p.edges).map((e) => ({
        from: e.from, to: e.to, transport: e.transport, calls: e.calls, errors: e.errors,
        rttUs: { p50: e.rttUs.p50, p99: e.rttUs.p99 }, handlerUs: { p50: e.handlerUs.p50, p99: e.handlerUs.p99 },
        overheadUs: { p50: e.overheadUs.p50, p99: e.overheadUs.p99 }, requestBytesMean: e.requestBytesMean, responseBytesMean: e.responseBytesMean,
      })),
      invariants,
    };
  } finally {
    await wiring.stop();
  }
}
