// The micro benchmarks end to end, briefly: every row measured, percentiles ordered, and the shapes
// that must hold on any machine (ratios only: absolute times depend on the machine and its load).
// The echo server children run from dist/: build first (npm test does).
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { REMOTE_TRANSPORT_NAMES } from '../../targets/kit/transports/index.js';
import { runMicro } from './micro.js';
import type { MicroRow } from '../../results/run.js';

/** One hop row per transport, in-process first, then every registered remote transport. */
const HOPS = ['in-process', ...REMOTE_TRANSPORT_NAMES];
const TRANSPORTS = [...HOPS, 'json', 'protobuf', 'pg'];

/** Children of this process still running a micro-server entry (none may outlive runMicro). */
function echoChildren(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim();
  return out ? out.split('\n').filter((l) => l.includes('micro-server')) : [];
}

describe('micro benchmarks (0.3 s per row)', () => {
  let rows: MicroRow[];
  const progress: string[] = [];
  const row = (name: string) => rows.find((r) => r.name === name)!;

  beforeAll(async () => {
    rows = await runMicro({ pgUrl: inject('dbUrls').identity, timeS: 0.3, onProgress: (n) => progress.push(n) });
  }, 60_000);

  it('measures every row, reporting progress as it goes', () => {
    expect(rows.map((r) => r.transport)).toEqual(TRANSPORTS);
    expect(progress).toEqual(rows.map((r) => r.name));
    expect(rows.map((r) => r.kind)).toEqual([...HOPS.map(() => 'hop'), 'serialization', 'serialization', 'database']);
    expect(rows.slice(0, HOPS.length).every((r) => r.name.endsWith(' hop'))).toBe(true);
    expect(rows.slice(HOPS.length).map((r) => r.name)).toEqual(['JSON encode+decode', 'protobuf encode+decode', 'Postgres round trip (SELECT 1)']);
  });

  it('has samples and ordered percentiles in every row', () => {
    for (const r of rows) {
      expect(r.samples, r.name).toBeGreaterThan(0);
      expect(r.p50Us, r.name).toBeGreaterThan(0);
      expect(r.p50Us, r.name).toBeLessThanOrEqual(r.p99Us);
      expect(r.p99Us, r.name).toBeLessThanOrEqual(r.p999Us);
      expect(Math.abs((r.opsPerS * r.meanUs) / 1_000_000 - 1), r.name).toBeLessThan(0.01);
    }
  });

  it('encodes the confirm answer smaller in protobuf than in JSON', () => {
    const json = row('JSON encode+decode').bytes!;
    const proto = row('protobuf encode+decode').bytes!;
    expect(json).toBeGreaterThan(200);
    expect(proto).toBeGreaterThan(0);
    expect(proto).toBeLessThan(json);
    expect(rows.filter((r) => r.kind !== 'serialization').every((r) => r.bytes === undefined)).toBe(true);
  });

  it('finds the in-process hop cheaper than every remote hop', () => {
    const local = row('in-process hop').p50Us;
    // Any real boundary costs tens of microseconds at least; a plain call, well under one.
    for (const r of rows.filter((r) => r.kind === 'hop' && r.transport !== 'in-process')) expect(r.p50Us / local, r.name).toBeGreaterThan(10);
  });

  it('leaves no echo server running', () => {
    expect(echoChildren()).toEqual([]);
  });
});

describe('micro benchmarks, other runs', () => {
  it('leaves the database row out', async () => {
    const rows = await runMicro({ timeS: 0.05 });
    expect(rows.map((r) => r.transport)).toEqual(TRANSPORTS.filter((t) => t !== 'pg'));
    expect(echoChildren()).toEqual([]);
  }, 30_000);

  it('stops the echo server when a row fails while it runs', async () => {
    const failing = (name: string) => { if (name === 'gRPC hop') throw new Error('stop here'); };
    await expect(runMicro({ timeS: 0.05, onProgress: failing })).rejects.toThrow('stop here');
    expect(echoChildren()).toEqual([]);
  }, 30_000);
});
