// A server that answers every request at once with a small JSON body, in a process of its own: what
// the load driver is checked against, so that only the driver (and the loopback) is measured.
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface NullServer { url: string; stop(): Promise<void>; }

export function startNullServer(): Promise<NullServer> {
  const here = fileURLToPath(import.meta.url);
  const entry = here.endsWith('.js') ? here : path.join(path.resolve(path.dirname(here), '../..'), 'dist/scripts/bench/null-server.js');
  const child = fork(entry, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = () => new Promise<void>((resolve) => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ url: `http://127.0.0.1:${m.port}`, stop }));
    child.once('exit', (code, signal) => reject(new Error(`null server exited before listening (${signal ?? `code ${code}`})`)));
  });
}

function serve() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

if (process.send && process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) serve();
