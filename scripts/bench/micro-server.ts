// The echo service in a process of its own, so that a remote hop crosses a real process boundary
// (two event loops, the kernel's loopback, wake-ups on both sides). Parent side: startEchoServer.
// Child side: this file as the entry point; it leaves as soon as the IPC channel closes, so a
// parent that dies for any reason takes its servers with it.
import { dispatcher } from '../../targets/kit/envelope.js';
import { wrapHandlers } from '../../targets/kit/handler.js';
import { loadTransport } from '../../targets/kit/transports/index.js';
import { compiledEntry, forkChild, isForkedMain } from '../../targets/wirings/child.js';
import { Echo, echoApi } from './micro-echo.js';

type FromChild = { type: 'ready'; port: number } | { type: 'error'; message: string };

export interface EchoServer { transport: string; port: number; pid: number; stop(): Promise<void>; }

const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;

export async function startEchoServer(transport: string): Promise<EchoServer> {
  const child = forkChild(compiledEntry(import.meta.url), { name: `${transport} echo server`, args: [transport] });
  const stop = () => child.stop({ via: 'disconnect', graceMs: STOP_GRACE_MS });
  try {
    const { port } = await child.ready<Extract<FromChild, { type: 'ready' }>>(START_TIMEOUT_MS);
    return { transport, port, pid: child.process.pid!, stop };
  } catch (e) {
    void stop();
    throw e;
  }
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

if (isForkedMain(import.meta.url)) void childMain(process.argv[2]);
