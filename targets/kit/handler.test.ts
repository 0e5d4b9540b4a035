// Injected delays: the spec's grammar and errors, and which share of calls a partial delay slows.
import { describe, expect, it } from 'vitest';
import { Echo, echoApi } from '../../scripts/bench/micro-echo.js';
import { newCtx } from './ctx.js';
import { delayChooser, parseInjectedDelays, wrapHandlers } from './handler.js';

describe('parseInjectedDelays', () => {
  it('reads every-call delays as before and tail-only ones with a share of calls', () => {
    expect(parseInjectedDelays('warehouse=20, payment=5')).toEqual({ warehouse: { ms: 20, fraction: 1 }, payment: { ms: 5, fraction: 1 } });
    expect(parseInjectedDelays('warehouse=20ms@3%,payment=2.5@0.5%')).toEqual({ warehouse: { ms: 20, fraction: 0.03 }, payment: { ms: 2.5, fraction: 0.005 } });
    expect(parseInjectedDelays(undefined)).toEqual({});
  });

  it('rejects a bad entry naming it', () => {
    expect(() => parseInjectedDelays('warehouse=20ms@3')).toThrow(/"warehouse=20ms@3".*<percent>%/);
    expect(() => parseInjectedDelays('warehouse=20,payment')).toThrow(/"payment"/);
    expect(() => parseInjectedDelays('warehouse=20@0%')).toThrow(/"warehouse=20@0%".*more than 0 %/);
    expect(() => parseInjectedDelays('warehouse=20@150%')).toThrow(/"warehouse=20@150%".*at most 100 %/);
    expect(() => parseInjectedDelays('warehouse=20,warehouse=5@1%')).toThrow(/warehouse is given more than once/);
  });
});

describe('delayChooser', () => {
  const share = (choose: () => boolean, calls: number) => Array.from({ length: calls }, choose).filter(Boolean).length / calls;

  it('delays about the asked share of calls, the same calls on every run', () => {
    expect(share(delayChooser('splitbench.inventory.Warehouse', 0.03), 100_000)).toBeCloseTo(0.03, 2);
    const pattern = (c: () => boolean) => Array.from({ length: 1000 }, c).join();
    expect(pattern(delayChooser('splitbench.inventory.Warehouse', 0.1))).toBe(pattern(delayChooser('splitbench.inventory.Warehouse', 0.1)));
    expect(share(delayChooser('x', 1), 100)).toBe(1);
  });

  it('does not line up with a fixed pattern of calls: every k-th call is delayed at about the same share', () => {
    const choose = delayChooser('splitbench.payments.Payment', 0.05);
    const calls = Array.from({ length: 200_000 }, choose);
    for (const k of [2, 3, 11]) {
      const everyKth = calls.filter((_, i) => i % k === 0);
      expect(everyKth.filter(Boolean).length / everyKth.length).toBeCloseTo(0.05, 2);
    }
  });
});

describe('wrapHandlers with a partial delay', () => {
  it('delays the calls its chooser picks, by at least the injected time, and answers every call', async () => {
    const delay = { ms: 30, fraction: 0.2 };
    const pattern = Array.from({ length: 60 }, delayChooser(Echo.name, delay.fraction));
    const picked = pattern.filter(Boolean).length;
    const echo = wrapHandlers(Echo, echoApi, delay).echo;
    // One call at a time: each call's own time, not a queue's.
    const tookMs: number[] = [];
    for (let i = 0; i < 60; i++) {
      const started = performance.now();
      expect(await echo({ payload: 'x' }, newCtx(`r${i}`))).toEqual({ payload: 'x' });
      tookMs.push(performance.now() - started);
    }
    // Each picked call took the delay (a timer may fire up to 1 ms early); some calls, not all, were picked.
    expect(pattern.flatMap((p, i) => (p && tookMs[i] < delay.ms - 1 ? [i] : []))).toEqual([]);
    expect(picked).toBeGreaterThan(0);
    expect(picked).toBeLessThan(60);
  });
});
