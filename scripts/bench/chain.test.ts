// The bare chain: the real checkout path's calls and messages, the wiring's remote hops per
// placement, answers of the expected size, handler times sent back, no process left behind. Only
// counts and sizes are asserted, never absolute times. The nodes run from dist/: build first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/scenario.js';
import { SERVICES } from '../../targets/services.js';
import { CHAIN_CALLS, CONFIRM_ANSWER, FRONT_DOOR_PATH, chainNode, chainRoutes, encodedSize, remoteCalls, routeOf } from './chain-graph.js';
import { perHopOverhead } from '../../results/floor.js';
import { FrameReader, answerFrame, requestFrame } from './chain-wire.js';
import { chainPlacement, floorScenario, placementFor, runFloor, startChain, type RunningChain } from './chain.js';

const PATH = ['gateway>auth', 'gateway>customer', 'gateway>checkout', 'checkout>catalog', 'checkout>pricing', 'checkout>promotion',
  'checkout>location', 'checkout>shipping', 'checkout>warehouse', 'checkout>payment', 'checkout>order'];

/** Children of this process running a chain node (none may outlive a stop). */
function nodeChildren(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim();
  return out ? out.split('\n').filter((l) => l.includes('chain-node')) : [];
}
const running = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('the chain\'s call graph', () => {
  it('is the checkout path in call order, each call a dependency the real caller declares', () => {
    expect(CHAIN_CALLS.map(({ from, call }) => `${from}>${call.to}`)).toEqual(PATH);
    for (const { from, call } of CHAIN_CALLS) {
      const dep = Object.values(SERVICES.implementation(from).deps as Record<string, { name: string; fullName: string; methods: Record<string, unknown> }>).find((c) => c.name === call.to);
      expect(dep?.fullName, `${from} → ${call.to}`).toBe(call.service);
      expect(Object.keys(dep!.methods), `${call.service}`).toContain(call.method[0].toLowerCase() + call.method.slice(1));
    }
  });

  it('runs in processes that load nothing of the kit, the wirings or the contracts', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      // Type-only imports are erased from the JavaScript the nodes run.
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*?from '(\.[^']+)'|import\('(\.[^']+)'\)/gm)) {
        visit(path.resolve(path.dirname(file), (m[1] ?? m[2]).replace(/\.js$/, '.ts')));
      }
    };
    visit(path.join(import.meta.dirname, 'chain-node.ts'));
    expect([...seen].map((f) => path.basename(f)).sort()).toEqual(['chain-graph.ts', 'chain-host.ts', 'chain-node.ts', 'chain-wire.ts', 'histogram.ts']);
  });

  it('sends messages that are the .proto messages field for field (nothing dropped on encoding)', () => {
    const same = (type: ReturnType<typeof chainRoutes>[number]['req'], message: Record<string, unknown>) =>
      isDeepStrictEqual(type.toObject(type.decode(type.encode(message).finish()), { defaults: true, arrays: true }), message);
    for (const { call } of CHAIN_CALLS) {
      const route = routeOf(call);
      expect(route.req.verify(call.request), `${route.grpcPath} request`).toBeNull();
      expect(same(route.req, call.request), `${route.grpcPath} request`).toBe(true);
      const answer = chainNode(call.to)!.answer!;
      expect(route.res.verify(answer), `${route.grpcPath} answer`).toBeNull();
      expect(same(route.res, answer), `${route.grpcPath} answer`).toBe(true);
    }
  });

  it('crosses the transport where the wiring does: every call in one process over loopback, cross-domain calls only in domains, all in services', () => {
    expect(remoteCalls(chainPlacement('loopback/http'))).toEqual(PATH);
    expect(remoteCalls(chainPlacement('domains/grpc'))).toEqual(PATH.filter((e) => !['checkout>payment', 'checkout>order'].includes(e)));
    expect(remoteCalls(chainPlacement('services/http'))).toEqual(PATH);
    expect(remoteCalls(chainPlacement('extract:payment,order/grpc'))).toEqual(['checkout>payment', 'checkout>order']);
    // tcp before placement.ts knows it: the same groups as the other transports.
    expect(placementFor(21, 'tcp')).toMatchObject({ name: 'services/tcp', transport: 'tcp', local: 'direct' });
    expect(placementFor(21, 'tcp').groups).toEqual(placementFor(21, 'http').groups);
    expect([1, 6, 21].map((n) => placementFor(n, 'grpc').groups.length)).toEqual([1, 6, 21]);
    expect(() => chainPlacement('monolith')).toThrow(/not a remote wiring/);
    expect(() => chainPlacement('monolith/copy')).toThrow(/not a remote wiring/);
    expect(() => placementFor(3, 'http')).toThrow(/expected one of 1, 6, 21/);
  });

  it('frames tcp calls whole however the stream is cut', () => {
    const frames: Buffer[] = [];
    const reader = new FrameReader((f) => frames.push(Buffer.from(f)));
    const bytes = Buffer.concat([requestFrame(7, 3, Buffer.from('abc')), answerFrame(7, 12.5, true, Buffer.from('xyz')), requestFrame(8, 1, Buffer.alloc(0))]);
    for (let i = 0; i < bytes.length; i += 5) reader.push(bytes.subarray(i, i + 5));
    expect(frames.map((f) => f.length)).toEqual([4 + 2 + 3, 4 + 8 + 1 + 3, 4 + 2]);
    expect([frames[0].readUInt32LE(0), frames[0].readUInt16LE(4), frames[0].subarray(6).toString()]).toEqual([7, 3, 'abc']);
    expect([frames[1].readUInt32LE(0), frames[1].readDoubleLE(4), frames[1].readUInt8(12), frames[1].subarray(13).toString()]).toEqual([7, 12.5, 0, 'xyz']);
  });

  it('drives the scenario\'s checkouts at their own rate', () => {
    const steady = loadScenario('checkout-steady');
    expect(floorScenario(steady)).toMatchObject({ mix: { checkout: 1 }, arrival: { model: 'constant', rateRps: 20 } });
    // smoke: 50 req/s, checkout 3 of 10.5.
    expect(floorScenario(loadScenario('smoke'))!.arrival).toEqual({ model: 'constant', rateRps: 14.29 });
    expect(floorScenario({ ...steady, mix: { search: 1 } })).toBeUndefined();
    const ramp = floorScenario({ ...steady, mix: { checkout: 1, browse: 1 }, arrival: { model: 'ramp', startRps: 10, stages: [{ durationS: 5, targetRps: 40 }] } });
    expect(ramp!.arrival).toEqual({ model: 'ramp', startRps: 5, stages: [{ durationS: 5, targetRps: 20 }] });
  });
});

describe('the chain, running (3 checkouts each)', () => {
  let chain: RunningChain | undefined;
  afterEach(async () => { await chain?.stop(); chain = undefined; });

  // Every placement and every transport once (placement alone decides the hops: the pure test above covers the other pairs).
  const cases = [['services/http', 21], ['domains/grpc', 6], ['loopback/tcp', 1]] as const;
  it.each(cases)('%s: %i process(es), the placement\'s remote hops per checkout, answers of the expected size, handler times sent back, nothing left after stop', async (wiring, processes) => {
    const placement = chainPlacement(wiring);
    chain = await startChain(placement);
    expect(chain.pids).toHaveLength(processes);
    const requests = 3;
    for (let i = 0; i < requests; i++) {
      const res = await request(chain.frontUrl + FRONT_DOOR_PATH, { method: 'POST', body: '{"lines":[{"sku":"SKU-000417","qty":2}],"coupon":"","paymentToken":"pm_card_ok"}', headers: { 'content-type': 'application/json' } });
      const text = await res.body.text();
      expect(res.statusCode).toBe(201);
      expect(Buffer.byteLength(text)).toBe(Buffer.byteLength(JSON.stringify(CONFIRM_ANSWER)));
      expect(JSON.parse(text)).toEqual(CONFIRM_ANSWER);
    }
    const edges = await chain.stats();
    const expected = remoteCalls(placement);
    expect(edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual([...expected].sort());
    expect(edges.reduce((n, e) => n + e.calls, 0)).toBe(requests * expected.length);
    for (const e of edges) {
      const { call } = CHAIN_CALLS.find(({ from, call: c }) => from === e.from && c.to === e.to)!;
      const route = routeOf(call);
      expect(e.calls, `${e.from}>${e.to}`).toBe(requests);
      expect(e.transport).toBe(placement.transport);
      expect(e.handlerMissing, `${e.from}>${e.to}: handler time sent back`).toBe(0);
      expect(e.overheadMinUs, `${e.from}>${e.to}: rtt ≥ handler`).toBeGreaterThanOrEqual(0);
      expect(e.requestBytesMean).toBe(encodedSize(placement.transport, route.req, call.request));
      expect(e.responseBytesMean).toBe(encodedSize(placement.transport, route.res, chainNode(e.to)!.answer!));
    }
    // checkout's handler time holds its own remote calls: it is the callee's real time, not a constant.
    const toCheckout = edges.find((e) => e.to === 'checkout');
    const fromCheckout = edges.filter((e) => e.from === 'checkout');
    if (toCheckout) for (const e of fromCheckout) expect(toCheckout.handlerUs.p50).toBeGreaterThanOrEqual(e.rttUs.p50);
    await chain.reset();
    expect(await chain.stats()).toEqual([]);
    const pids = chain.pids;
    await chain.stop();
    chain = undefined;
    expect(pids.filter(running)).toEqual([]);
    expect(nodeChildren()).toEqual([]);
  });

  it('runFloor: drives the front door with the open-loop driver and reports the measured window per hop', async () => {
    const scenario = { ...floorScenario(loadScenario('checkout-steady'))!, arrival: { model: 'constant' as const, rateRps: 10 }, warmupS: 1, durationS: 1 };
    const phases: string[] = [];
    const row = await runFloor({ wiring: 'loopback/http', scenario, runTag: 'chain-test', onProgress: (p) => phases.push(p.phase) });
    expect(phases).toContain('measure');
    expect(row).toMatchObject({ wiring: 'loopback/http', transport: 'http', processes: 1, remoteHops: 11, errors: 0 });
    // The driver's own warnings depend on how busy the machine is; the chain's must not appear.
    expect(row.warnings.filter((w) => /remote edges|handler time/.test(w))).toEqual([]);
    expect(row.edges.map((e) => `${e.from}>${e.to}`)).toEqual(PATH);
    expect(row.latencyMs.count).toBeGreaterThan(0);
    // The measured window's calls only, one per checkout on every edge (the reset races the first measured request, as a wiring's cell does).
    for (const e of row.edges) expect(Math.abs(e.calls - row.latencyMs.count)).toBeLessThanOrEqual(2);
    expect(row.perHopOverheadUs).toEqual(perHopOverhead(row.edges));
    expect(row.perHopOverheadUs.p50).toBeGreaterThan(0);
    expect(nodeChildren()).toEqual([]);
  });
});
