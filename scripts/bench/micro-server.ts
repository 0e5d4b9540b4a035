// The echo service in a process of its own, so that a remote hop crosses a real process boundary
// (two event loops, the kernel's loopback, wake-ups on both sides). Parent side: startEchoServer.
// Child side: this file as the entry point; it leaves as soon as the IPC channel closes, so a
// parent that dies for any reason takes its servers with it.
import { wrapHandlers } from '../../targets/kit/handler.js';
import { compiledEntry, forkChild, isForkedMain } from '../../targets/wirings/child.js';
import { Echo, echoApi } from './micro-echo.js';

export type RemoteTransport = 'http' | 'grpc';
type FromChild = { type: 'ready'; port: number } | { type: 'error'; message: string };

export interface EchoServer { transport: RemoteTransport; port: number; pid: number; stop(): Promise<void>; }

const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;

export async function startEchoServer(transport: RemoteTransport): Promise<EchoServer> {
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
    const rpc = transport === 'http'
      ? new (await import('../../targets/kit/transports/http.js')).HttpRpcServer()
      : transport === 'grpc'
        ? new (await import('../../targets/kit/transports/grpc.js')).GrpcRpcServer()
        : undefined;
    if (!rpc) throw new Error(`unknown transport "${transport}": expected http or grpc`);
    rpc.add(Echo, wrapHandlers(Echo, echoApi));
    server = rpc;
    await send({ type: 'ready', port: await rpc.listen(0) });
  } catch (e) {
    await send({ type: 'error', message: (e as Error).stack ?? String(e) });
    process.exit(1);
  }
}

if (isForkedMain(import.meta.url)) void childMain(process.argv[2]);
