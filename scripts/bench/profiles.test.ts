import { describe, expect, it } from 'vitest';
import { HEADLINE_WIRINGS } from '../../targets/wirings/placement.js';
import { cellPlanS, PROFILES, rounds, SATURATION } from './profiles.js';

describe('bench profiles', () => {
  it('default: at least 3 trials of at least 8 s per wiring, and its plan fits 6 minutes with the saturation runs', () => {
    const d = PROFILES.default;
    expect(d.trials).toBeGreaterThanOrEqual(3);
    expect(d.durationS).toBeGreaterThanOrEqual(8);
    const n = HEADLINE_WIRINGS.length;
    // The plan's own arithmetic (cells × their planned length), not a measured time; micro and seeding come on top.
    expect(n * d.trials * cellPlanS(d) + n * cellPlanS(SATURATION)).toBeLessThanOrEqual(6 * 60);
  });

  it('runs the wirings in rounds: each round every wiring once, never one wiring\'s trials back to back', () => {
    const order = rounds(['monolith', 'domains/http', 'services/grpc'], 3);
    expect(order.map((c) => `${c.trial}:${c.wiring}`)).toEqual([
      '1:monolith', '1:domains/http', '1:services/grpc', '2:monolith', '2:domains/http', '2:services/grpc', '3:monolith', '3:domains/http', '3:services/grpc',
    ]);
    expect(order.every((c, i) => i === 0 || c.wiring !== order[i - 1].wiring)).toBe(true);
    expect(rounds(['monolith'], 2).map((c) => c.trial)).toEqual([1, 2]);
  });
});
