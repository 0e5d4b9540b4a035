// What one Toxiproxy proxy with no toxic adds to a round trip on this machine: a tiny TCP echo server,
// one persistent connection straight to it and one through a proxy, small request/echo round trips
// alternating between the two (so drift in the machine's load falls on both alike).
import net from 'node:net';
import { nearestRank } from '../../results/fault-windows.js';
import type { ProxyCost } from '../../results/run.js';
import { splitAddress } from '../../targets/kit/transport.js';
import { freePorts } from '../../targets/wirings/supervisor.js';
import type { Toxiproxy } from '../../targets/wirings/toxiproxy.js';

const MESSAGE = Buffer.alloc(64, 0x78);
const WARMUP = 50;

/** A connection that sends MESSAGE and resolves once as many bytes came back, in µs. */
async function echoClient(address: string): Promise<{ roundTrip: () => Promise<number>; close: () => void }> {
  const { host, port } = splitAddress(address);
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host, port, noDelay: true }, () => { s.off('error', reject); resolve(s); });
    s.once('error', reject);
  });
  let waiting: { left: number; done: () => void; fail: (e: Error) => void } | undefined;
  socket.on('data', (d) => {
    if (!waiting) return;
    waiting.left -= d.length;
    if (waiting.left <= 0) { const w = waiting; waiting = undefined; w.done(); }
  });
  const lost = (e: Error) => { const w = waiting; waiting = undefined; w?.fail(e); };
  socket.on('error', lost);
  socket.on('close', () => lost(new Error(`proxy cost probe: the connection to ${address} closed`)));
  return {
    roundTrip: () => new Promise<number>((resolve, reject) => {
      const start = process.hrtime.bigint();
      waiting = { left: MESSAGE.length, done: () => resolve(Number(process.hrtime.bigint() - start) / 1_000), fail: reject };
      socket.write(MESSAGE);
    }),
    close: () => socket.destroy(),
  };
}

const percentiles = (us: number[]) => {
  const sorted = [...us].sort((a, b) => a - b);
  return { p50: nearestRank(sorted, 0.5), p99: nearestRank(sorted, 0.99) };
};
const round = (x: number) => Math.round(x * 10) / 10;

/** `probes` round trips of 64 bytes each way, direct and proxied alternately, after 50 warm-up ones of each. */
export async function measureProxyCost(tp: Toxiproxy, probes = 400): Promise<ProxyCost> {
  const sockets = new Set<net.Socket>();
  const echo = net.createServer((s) => { sockets.add(s); s.setNoDelay(true); s.on('data', (d) => s.write(d)); s.on('error', () => {}); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve, reject) => { echo.once('error', reject); echo.listen(0, '127.0.0.1', resolve); });
  const upstream = `127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
  const name = `splitbench_proxy_cost_${process.pid}_${Date.now()}`;
  const clients: { close: () => void }[] = [];
  let proxied = false;
  try {
    const [port] = await freePorts(1);
    const proxy = await tp.createProxy(name, upstream, `127.0.0.1:${port}`);
    proxied = true;
    const direct = await echoClient(upstream);
    clients.push(direct);
    const via = await echoClient(proxy.listen);
    clients.push(via);
    const directUs: number[] = [];
    const proxiedUs: number[] = [];
    for (let i = 0; i < WARMUP + probes; i++) {
      const d = await direct.roundTrip();
      const p = await via.roundTrip();
      if (i >= WARMUP) { directUs.push(d); proxiedUs.push(p); }
    }
    const [dq, pq] = [percentiles(directUs), percentiles(proxiedUs)];
    return {
      probes,
      directUs: { p50: round(dq.p50), p99: round(dq.p99) },
      proxiedUs: { p50: round(pq.p50), p99: round(pq.p99) },
      addedUs: { p50: round(pq.p50 - dq.p50), p99: round(pq.p99 - dq.p99) },
    };
  } finally {
    for (const c of clients) c.close();
    if (proxied) await tp.deleteProxy(name).catch(() => {});
    for (const s of sockets) s.destroy();
    await new Promise((r) => echo.close(r));
  }
}
