// Toxiproxy for real: the server as our child, real proxies in front of a real TCP echo server, the
// toxics the fault scenarios use, and what a proxy costs. Time is asserted only as generous bounds.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../../scripts/describe-with.js';
import { measureProxyCost } from '../../scripts/bench/proxy-cost.js';
import { startToxiproxy, TOXIPROXY_INSTALL, type Toxiproxy } from './toxiproxy.js';

const connect = (address: string) => new Promise<net.Socket>((resolve, reject) => {
  const [host, port] = address.split(':');
  const s = net.connect({ host, port: Number(port), noDelay: true }, () => { s.off('error', reject); resolve(s); });
  s.once('error', reject);
});

/** Sends 64 bytes and waits for them back: ms, or undefined when nothing came within `withinMs`. */
const roundTrip = (s: net.Socket, withinMs = 5_000) => new Promise<number | undefined>((resolve) => {
  const start = performance.now();
  let left = 64;
  const onData = (d: Buffer) => { left -= d.length; if (left <= 0) done(performance.now() - start); };
  const done = (ms: number | undefined) => { clearTimeout(timer); s.off('data', onData); resolve(ms); };
  const timer = setTimeout(() => done(undefined), withinMs);
  s.on('data', onData);
  s.write(Buffer.alloc(64, 0x61));
});

/** The fastest of `n` round trips on a fresh connection (the minimum: spikes from a busy machine only add). */
async function fastest(address: string, n: number): Promise<number> {
  const s = await connect(address);
  try {
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push((await roundTrip(s))!);
    return Math.min(...times);
  } finally { s.destroy(); }
}

describeWith('toxiproxy', 'Toxiproxy (a real server, real sockets)', () => {
  let tp: Toxiproxy;
  let echo: net.Server;
  const accepted = new Set<net.Socket>();
  let upstream: string;
  let proxy: { name: string; listen: string };

  beforeAll(async () => {
    echo = net.createServer((s) => { accepted.add(s); s.on('data', (d) => s.write(d)); s.on('error', () => {}); s.on('close', () => accepted.delete(s)); });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    upstream = `127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
    tp = await startToxiproxy();
  });
  afterAll(async () => {
    await tp?.stop();
    for (const s of accepted) s.destroy();
    await new Promise((r) => echo?.close(r));
  });

  it('starts and answers /version', () => {
    expect(tp.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(tp.apiUrl.split(':')[2])).toBeGreaterThanOrEqual(20_000);
    expect(Number(tp.apiUrl.split(':')[2])).toBeLessThan(32_768);
    expect(tp.version).toBeTruthy();
  });

  it('a proxy on port 0 answers with its real address and passes an echo', async () => {
    proxy = await tp.createProxy('echo', upstream, '127.0.0.1:0');
    expect(proxy.name).toBe('echo');
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    const s = await connect(proxy.listen);
    try { expect(await roundTrip(s)).toBeDefined(); } finally { s.destroy(); }
  });

  it('a 50 ms downstream latency toxic adds at least 45 ms to a round trip, and removing it takes that away', async () => {
    const before = await fastest(proxy.listen, 5);
    await tp.addToxic(proxy.name, { name: 'slow', type: 'latency', stream: 'downstream', attributes: { latency: 50, jitter: 0 } });
    const slow = await fastest(proxy.listen, 3);
    expect(slow).toBeGreaterThanOrEqual(before + 45);
    await tp.removeToxic(proxy.name, 'slow');
    expect(await fastest(proxy.listen, 3)).toBeLessThan(before + 45);
  });

  it('a timeout toxic of 0 on both streams swallows the echo; removing it lets a new connection through', async () => {
    for (const stream of ['upstream', 'downstream'] as const) await tp.addToxic(proxy.name, { name: `hole_${stream}`, type: 'timeout', stream, attributes: { timeout: 0 } });
    const s = await connect(proxy.listen);
    s.on('error', () => {});
    try { expect(await roundTrip(s, 300)).toBeUndefined(); } finally { s.destroy(); }
    for (const stream of ['upstream', 'downstream']) await tp.removeToxic(proxy.name, `hole_${stream}`);
    expect(await fastest(proxy.listen, 1)).toBeGreaterThan(0);
  });

  it('a disabled proxy refuses new connections; enabled again, it passes an echo', async () => {
    await tp.setEnabled(proxy.name, false);
    await expect(connect(proxy.listen)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await tp.setEnabled(proxy.name, true);
    expect(await fastest(proxy.listen, 1)).toBeGreaterThan(0);
  });

  it('a bad call throws with the method, the path, the status and Toxiproxy\'s error', async () => {
    const err = await tp.addToxic('no_such_proxy', { name: 'x', type: 'latency', stream: 'downstream', attributes: { latency: 1 } }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('no_such_proxy');
    expect((err as Error).message).toContain('404');
    expect((err as Error).message).toContain('proxy not found');
    await expect(tp.createProxy('echo', upstream, '127.0.0.1:0')).rejects.toThrow(/POST \/proxies: 409 proxy already exists/);
  });

  it('reset removes toxics and enables proxies', async () => {
    await tp.addToxic(proxy.name, { name: 'slow', type: 'latency', stream: 'downstream', attributes: { latency: 1000 } });
    await tp.setEnabled(proxy.name, false);
    await tp.reset();
    expect(await fastest(proxy.listen, 1)).toBeLessThan(1000);
  });

  it('measures what one proxy adds, and leaves no proxy behind', async () => {
    const cost = await measureProxyCost(tp, 200);
    console.log(`proxy cost (200 probes): ${JSON.stringify(cost)}`);
    expect(cost.probes).toBe(200);
    expect(Number.isFinite(cost.addedUs.p50)).toBe(true);
    expect(cost.directUs.p50).toBeGreaterThan(0);
    expect(cost.proxiedUs.p99).toBeGreaterThanOrEqual(cost.proxiedUs.p50);
    const proxies = await fetch(`${tp.apiUrl}/proxies`).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(Object.keys(proxies)).toEqual(['echo']);
  });

  it('stop() leaves no process', async () => {
    const { pid } = tp;
    await tp.stop();
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await tp.stop(); // twice is fine
  });
});

it('without the binary, says how to install it', async () => {
  const saved = process.env.SPLITBENCH_TOXIPROXY;
  process.env.SPLITBENCH_TOXIPROXY = '/nonexistent/toxiproxy-server';
  try {
    const err = await startToxiproxy().catch((e: Error) => e);
    expect((err as Error).message).toContain(TOXIPROXY_INSTALL);
    expect((err as Error).message).toContain('SPLITBENCH_TOXIPROXY');
  } finally {
    if (saved === undefined) delete process.env.SPLITBENCH_TOXIPROXY;
    else process.env.SPLITBENCH_TOXIPROXY = saved;
  }
});
