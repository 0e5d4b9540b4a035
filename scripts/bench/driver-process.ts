// The driver runs in a process of its own: sharing an event loop (and a core's time) with what it
// measures would charge one side's pauses to the other. Parent side: runDriverInChild. Child side:
// this file as the entry point, talking over the IPC channel and leaving as soon as it closes.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runOpenLoop, type DriverPlan, type DriverProgress } from './openloop.js';
import type { DriverResult } from './results.js';

type ToChild = { type: 'run'; plan: DriverPlan };
type FromChild = { type: 'progress'; progress: DriverProgress } | { type: 'result'; result: DriverResult } | { type: 'error'; message: string };

/** The compiled entry, also when this module itself runs from TypeScript sources (vitest). */
export function driverEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return here;
  return path.join(path.resolve(path.dirname(here), '../..'), 'dist/scripts/bench/driver-process.js');
}

export function runDriverInChild(plan: DriverPlan, onProgress: (p: DriverProgress) => void): Promise<DriverResult> {
  const entry = driverEntry();
  if (!fs.existsSync(entry)) return Promise.reject(new Error(`driver entry ${entry} not found: build first (npx tsc -p .)`));
  return new Promise<DriverResult>((resolve, reject) => {
    // No inherited --inspect / loader flags: the child is a plain node process.
    const child: ChildProcess = fork(entry, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const settle = (err: Error | undefined, result?: DriverResult) => {
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
    child.on('message', (m: FromChild) => {
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
    child.send({ type: 'run', plan } satisfies ToChild);
  });
}

function childMain() {
  // The parent went away (or is done with us): nothing left to report to.
  process.on('disconnect', () => process.exit(0));
  process.once('message', async (m: ToChild) => {
    const send = (msg: FromChild) => { if (process.connected) process.send!(msg); };
    try {
      const result = await runOpenLoop({ ...m.plan, onProgress: (progress) => send({ type: 'progress', progress }) });
      send({ type: 'result', result });
    } catch (e) {
      send({ type: 'error', message: (e as Error).stack ?? String(e) });
    }
  });
}

if (process.send && process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) childMain();
