// The load generators run in a process of their own: sharing an event loop (and a core's time) with
// what they measure would charge one side's pauses to the other. Parent side: runDriverInChild and
// runSaturationInChild. Child side: this file as the entry point, talking over the IPC channel and
// leaving as soon as it closes.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runOpenLoop, type DriverPlan, type DriverProgress } from './openloop.js';
import type { DriverResult } from '../../results/run.js';
import { runSaturation, type SaturationMeasurement, type SaturationPlan, type SaturationProgress } from './saturation.js';

type ToChild = { type: 'run'; plan: DriverPlan } | { type: 'saturate'; plan: SaturationPlan };
type FromChild<P, R> = { type: 'progress'; progress: P } | { type: 'result'; result: R } | { type: 'error'; message: string };

/** The compiled entry, also when this module itself runs from TypeScript sources (vitest). */
export function driverEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return here;
  return path.join(path.resolve(path.dirname(here), '../..'), 'dist/scripts/bench/driver-process.js');
}

export function runDriverInChild(plan: DriverPlan, onProgress: (p: DriverProgress) => void): Promise<DriverResult> {
  return inChild({ type: 'run', plan }, onProgress);
}

export function runSaturationInChild(plan: SaturationPlan, onProgress: (p: SaturationProgress) => void): Promise<SaturationMeasurement> {
  return inChild({ type: 'saturate', plan }, onProgress);
}

function inChild<P, R>(message: ToChild, onProgress: (p: P) => void): Promise<R> {
  const entry = driverEntry();
  if (!fs.existsSync(entry)) return Promise.reject(new Error(`driver entry ${entry} not found: build first (npx tsc -p .)`));
  return new Promise<R>((resolve, reject) => {
    // No inherited --inspect / loader flags: the child is a plain node process.
    const child: ChildProcess = fork(entry, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const settle = (err: Error | undefined, result?: R) => {
      if (settled) return;
      settled = true;
      process.removeListener('exit', killOnExit);
      if (err) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(err);
      } else {
        if (child.connected) child.disconnect();
        resolve(result!);
      }
    };
    child.on('message', (m: FromChild<P, R>) => {
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
    const send = (msg: FromChild<unknown, unknown>) => { if (process.connected) process.send!(msg); };
    const onProgress = (progress: unknown) => send({ type: 'progress', progress });
    try {
      const result = m.type === 'run' ? await runOpenLoop({ ...m.plan, onProgress }) : await runSaturation(m.plan, onProgress);
      send({ type: 'result', result });
    } catch (e) {
      send({ type: 'error', message: (e as Error).stack ?? String(e) });
    }
  });
}

if (process.send && process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) childMain();
