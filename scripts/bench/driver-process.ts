// The load generators run in a process of their own: sharing an event loop (and a core's time) with
// what they measure would charge one side's pauses to the other. Parent side: runDriverInChild and
// runSaturationInChild. Child side: this file as the entry point, talking over the IPC channel and
// leaving as soon as it closes.
import { compiledEntry, forkChild, isForkedMain } from '../../targets/wirings/child.js';
import { runOpenLoop, type DriverPlan } from './openloop.js';
import type { DriverPhase, PhaseProgress } from './progress.js';
import type { DriverResult } from '../../results/run.js';
import type { DriveFn } from './cell.js';
import { runSaturation, type SaturationMeasurement, type SaturationPlan } from './saturation.js';

type ToChild = { type: 'run'; plan: DriverPlan } | { type: 'saturate'; plan: SaturationPlan };
type FromChild<R> = { type: 'progress'; progress: PhaseProgress<DriverPhase> } | { type: 'result'; result: R } | { type: 'error'; message: string };

export function runDriverInChild(plan: DriverPlan, onProgress: (p: PhaseProgress<DriverPhase>) => void): Promise<DriverResult> {
  return inChild({ type: 'run', plan }, onProgress);
}

/** The built-in driver as a cell drives it: fault scenarios keep every request's outcome for their windows. */
export const builtinDrive: DriveFn = (targetUrl, scenario, runTag, onProgress) =>
  runDriverInChild({ targetUrl, scenario, runTag, keepRequests: scenario.faults.length > 0 }, onProgress);

export function runSaturationInChild(plan: SaturationPlan, onProgress: (p: PhaseProgress<DriverPhase>) => void): Promise<SaturationMeasurement> {
  return inChild({ type: 'saturate', plan }, onProgress);
}

function inChild<R>(message: ToChild, onProgress: (p: PhaseProgress<DriverPhase>) => void): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const driver = forkChild(compiledEntry(import.meta.url), { name: 'load driver' });
    const child = driver.process;
    let settled = false;
    const settle = (err: Error | undefined, result?: R) => {
      if (settled) return;
      settled = true;
      // A failed run stops sending at once; a finished one leaves when its channel closes.
      void driver.stop({ via: err ? 'SIGKILL' : 'disconnect' });
      if (err) reject(err);
      else resolve(result!);
    };
    child.on('message', (m: FromChild<R>) => {
      if (m.type === 'progress') {
        try {
          onProgress(m.progress);
        } catch (e) {
          settle(e as Error);
        }
      } else if (m.type === 'result') settle(undefined, m.result);
      else settle(new Error(`load driver: ${m.message}`));
    });
    child.on('error', (e) => settle(e));
    child.on('exit', (code, signal) => settle(new Error(`load driver exited before reporting (${signal ?? `code ${code}`})`)));
    child.send(message);
  });
}

function childMain() {
  // The parent went away (or is done with us): nothing left to report to.
  process.on('disconnect', () => process.exit(0));
  process.once('message', async (m: ToChild) => {
    const send = (msg: FromChild<unknown>) => { if (process.connected) process.send!(msg); };
    const onProgress = (progress: PhaseProgress<DriverPhase>) => send({ type: 'progress', progress });
    try {
      const result = m.type === 'run' ? await runOpenLoop({ ...m.plan, onProgress }) : await runSaturation(m.plan, onProgress);
      send({ type: 'result', result });
    } catch (e) {
      send({ type: 'error', message: (e as Error).stack ?? String(e) });
    }
  });
}

if (isForkedMain(import.meta.url)) childMain();
