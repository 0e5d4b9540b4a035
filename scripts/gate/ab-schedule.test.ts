import { describe, expect, it } from 'vitest';
import { abbaSchedule, partners } from './ab-schedule.js';

describe('ABBA schedule', () => {
  const slots = abbaSchedule(['monolith', 'services/http'], 4);

  it('alternates which side goes first, per wiring, pair by pair', () => {
    const order = (wiring: string) => slots.filter((s) => s.wiring === wiring).map((s) => (s.side === 'base' ? 'A' : 'B')).join('');
    expect(order('monolith')).toBe('ABBAABBA');
    expect(order('services/http')).toBe('ABBAABBA');
  });

  it('runs a pair of every wiring before the next pair (wirings interleaved)', () => {
    expect(slots.map((s) => s.pair)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
    expect(slots.slice(0, 4).map((s) => s.wiring)).toEqual(['monolith', 'monolith', 'services/http', 'services/http']);
  });

  it('pairs each base trial with the candidate trial of the same wiring and pair, adjacent in time', () => {
    const pairs = partners(slots);
    expect(pairs).toHaveLength(8);
    for (const [b, c] of pairs) {
      expect([b.side, c.side, c.wiring, c.pair]).toEqual(['base', 'candidate', b.wiring, b.pair]);
      expect(Math.abs(slots.indexOf(b) - slots.indexOf(c))).toBe(1);
    }
    // Over two pairs each side goes first once: equal average position.
    const position = (side: string) => slots.flatMap((s, i) => (s.side === side ? [i] : [])).reduce((a, x) => a + x, 0);
    expect(position('base')).toBe(position('candidate'));
  });

  it('rejects a schedule with no pairs or no wirings', () => {
    expect(() => abbaSchedule(['monolith'], 0)).toThrow(/pairs/);
    expect(() => abbaSchedule([], 2)).toThrow(/wirings/);
  });
});
