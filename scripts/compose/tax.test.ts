import { describe, expect, it } from 'vitest';
import { describeTax, type TaxSide } from './tax.js';

describe('the container tax table', () => {
  it('has a header and one row per side, each with every column', () => {
    const side = (name: string): TaxSide => ({ side: name, perHopP50Us: 1, calls: 2, checkoutP50Ms: 3, checkoutP99Ms: 4, answered: 5, cpuMsPer1000: 6, rssMiB: 7 });
    const lines = describeTax([side('containers'), side('host processes')]);
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(' | ').length)).toEqual([7, 7, 7]);
    expect(lines.slice(1).map((l) => l.split(' | ')[0])).toEqual(['containers', 'host processes']);
  });
});
