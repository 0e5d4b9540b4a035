// The echo service in a process of its own, so that a remote hop crosses a real process boundary
// (two event loops, the kernel's loopback, wake-ups on both sides). Parent side: startEchoServer.
// Child side: this file as the entry point; it leaves as soon as the IPC channel closes, so a
// parent that dies for any reason takes its servers with it.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dispatcher } from '../../targets/kit/envelope.js';
import { wrapHandlers } from '../../targets/kit/handler.js';
import { loadTransport } from '../../targets/kit/transports/index.js';
import { Echo, echoApi } from './micro-echo.js';

type FromChild = { type: 'ready'; port: number } | { type: 'error'; message: string };

export interface EchoServer { transport: string; port: number; pid: number; stop(): Promise<void>; }

const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;

/** The compiled entry, also when this module itself runs from TypeScript sources (vitest). */
export function echoServerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return here;
  return path.join(path.resolve(path.dirname(here), '../..'), 'dist/scripts/bench/micro-server.js');
}

export function startEchoServer(transport: string): Promise<EchoServer> {
  const entry = echoServerEntry();
  if (!fs.existsSync(entry)) return Promise.reject(new Error(`echo server entry ${entry} not found: build first (npx tsc -p .)`));
  // No inherited --inspect / loader flags: the child is a plain node process.
  const child: ChildProcess = fork(entry, [transport], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  exited.then(() => process.removeListener('exit', killOnExit));
  const alive = () => child.exitCode === null && child.signalCode === null;

  const stop = async () => {
    if (!alive()) return;
    if (child.connected) child.disconnect();
    const timer = setTimeout(() => { if (alive()) child.kill('SIGKILL'); }, STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<EchoServer>((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`${transport} echo server: ${message}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('message', (m: FromChild) => {
      if (m.type === 'error') return fail(m.message);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ transport, port: m.port, pid: child.pid!, stop });
    });
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`exited before it was ready (${signal ?? `code ${code}`})`));
  });
}

async function childMain(transport: string) {
  // Waits for the message to leave: exiting right after a bare send can drop it.
  const send = (m: FromChild) => new Promise<void>((resolve) => (process.connected ? process.send!(m, undefined, {}, () => resolve()) : resolve()));
  let server: { close(): Promise<void> } | undefined;
  // The parent is done with us (or gone), even before we were ready: close the listener and leave.
  process.once('disconnect', () => { void (server?.close() ?? Promise.resolve()).finally(() => process.exit(0)); });
  try {
    const listener = await (await loadTransport(transport)).serve([Echo], dispatcher([{ contract: Echo, handlers: wrapHandlers(Echo, echoApi) }]), { port: 0, host: '127.0.0.1' });
    server = listener;
    await send({ type: 'ready', port: listener.port });
  } catch (e) {
    await send({ type: 'error', message: (e as Error).stack ?? String(e) });
    process.exit(1);
  }
}

if (process.send && process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) void childMain(process.argv[2]);
