// Every transport, by the name wirings use (services/<name>, loopback/<name>, extract:…/<name>).
// Placement, the processes, the micro benchmarks, the echo server and the deploy generators loop over
// this table: a transport is one file plus one line here. Remote ones load on demand, so a process
// never pays start-up time for a protocol it does not speak.
import type { RemoteTransport } from '../transport.js';

export const REMOTE_TRANSPORTS: Record<string, () => Promise<{ default: RemoteTransport }>> = {
  http: () => import('./http.js'),
  grpc: () => import('./grpc.js'),
  tcp: () => import('./tcp.js'),
};

export const REMOTE_TRANSPORT_NAMES = Object.keys(REMOTE_TRANSPORTS);

export async function loadTransport(name: string): Promise<RemoteTransport> {
  const load = REMOTE_TRANSPORTS[name];
  if (!load) throw new Error(`unknown transport "${name}": expected one of ${REMOTE_TRANSPORT_NAMES.join(', ')}`);
  return (await load()).default;
}

export { LOCAL_TRANSPORTS, type LocalTransport } from './local.js';
