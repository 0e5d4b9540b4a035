// A server that answers every request at once with a small JSON body, in a process of its own: what
// the load driver is checked against, so that only the driver (and the loopback) is measured.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { compiledEntry, forkChild, isForkedMain, tellParent } from '../../targets/wirings/child.js';

export interface NullServer { url: string; stop(): Promise<void>; }

const START_TIMEOUT_MS = 15_000;

export async function startNullServer(): Promise<NullServer> {
  const child = forkChild(compiledEntry(import.meta.url), { name: 'null server' });
  const stop = () => child.stop({ via: 'SIGTERM' });
  try {
    const { port } = await child.ready<{ type: 'ready'; port: number }>(START_TIMEOUT_MS);
    return { url: `http://127.0.0.1:${port}`, stop };
  } catch (e) {
    void stop();
    throw e;
  }
}

function serve() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => void tellParent({ type: 'ready', port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

if (isForkedMain(import.meta.url)) serve();
