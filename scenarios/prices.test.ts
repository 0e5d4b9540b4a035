// The price table is data with sources; a bad one names the field.
import { describe, expect, it } from 'vitest';
import { loadPrices, parsePrices, PriceError } from './prices.js';

describe('the price table', () => {
  it('ships list prices, each with a source and a date', () => {
    const p = loadPrices();
    for (const k of ['vcpuHour', 'gbHour', 'interZonePerGB', 'interRegionPerGB'] as const) {
      expect(p[k].usd, k).toBeGreaterThan(0);
      expect(p[k].url, k).toMatch(/^https:\/\//);
      expect(p[k].date, k).toBeTruthy();
    }
    expect(p.minProcess).toMatchObject({ vcpu: 0.25, gb: 0.5 });
  });

  it('names each bad field and what was expected', () => {
    const good = loadPrices();
    const { file: _file, ...raw } = good;
    const bad = (over: Record<string, unknown>) => {
      try {
        parsePrices({ ...raw, ...over }, 'mine.json');
      } catch (e) {
        expect(e).toBeInstanceOf(PriceError);
        return (e as Error).message;
      }
      throw new Error('parsed without a problem');
    };
    expect(bad({ vcpuHour: { ...raw.vcpuHour, usd: 'cheap' } })).toMatch(/mine\.json: 1 problem.*\n\s+vcpuHour\.usd: expected a number ≥ 0, got "cheap"/);
    expect(bad({ gbHour: 3 })).toMatch(/gbHour: expected \{"usd"/);
    expect(bad({ minProcess: { ...raw.minProcess, gb: -1 } })).toMatch(/minProcess\.gb: expected a number ≥ 0/);
    expect(bad({ egress: 1 })).toMatch(/egress: not a field of a price table/);
    expect(() => loadPrices('/nonexistent/prices.json')).toThrow(/nonexistent\/prices\.json: cannot read the price table/);
  });
});
