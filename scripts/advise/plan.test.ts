import { describe, expect, it } from 'vitest';
import { candidateSlots, EXTRACTABLE, extractWiring, ladderSlots, neighbours } from './plan.js';
import { parseWiring } from '../../targets/wirings/placement.js';

describe('the study plan', () => {
  it('puts a monolith trial between every two candidates and at both ends, and reverses the second round', () => {
    const slots = candidateSlots(['a', 'b', 'c'], 'grpc', 'same-host', 2);
    expect(slots.map((s) => (s.role === 'monolith' ? 'M' : s.extracted[0]))).toEqual(['M', 'a', 'b', 'M', 'c', 'M', 'c', 'b', 'M', 'a', 'M']);
    expect(slots.filter((s) => s.role === 'monolith').map((s) => s.trial)).toEqual([1, 2, 3, 4, 5]);
    expect(slots.filter((s) => s.extracted[0] === 'b').map((s) => s.trial)).toEqual([1, 2]);
  });

  it("pairs each candidate with the monolith trials just before and after it, in its own link", () => {
    const slots = [...candidateSlots(['a', 'b'], 'http', 'x', 1), ...candidateSlots(['a', 'b'], 'http', 'y', 1)];
    expect(neighbours(slots, 1)).toEqual([0, 3]);
    expect(neighbours(slots, 2)).toEqual([0, 3]);
    expect(neighbours(slots, 5)).toEqual([4, 7]);
  });

  it('climbs the ladder in ranked order and ends at services/<transport> when every service is a candidate', () => {
    const steps = ladderSlots(EXTRACTABLE, 'grpc', 'same-host');
    expect(steps).toHaveLength(EXTRACTABLE.length - 1);
    expect(steps[0].extracted).toEqual(EXTRACTABLE.slice(0, 2));
    expect(steps.at(-1)!.wiring).toBe('services/grpc');
    expect(parseWiring(steps.at(-1)!.wiring).groups).toHaveLength(21);
    expect(parseWiring(steps[0].wiring).groups).toHaveLength(3);
    expect(ladderSlots(['payment', 'search'], 'http', 'z').map((s) => s.wiring)).toEqual(['extract:payment,search/http']);
    expect(extractWiring(['payment'], 'tcp')).toBe('extract:payment/tcp');
  });
});
