// When each send of an open-model run is due, fixed before the run starts: the schedule never
// looks at responses, which is what keeps a stalled server from slowing the arrivals down.
import { rateAt, type Arrival } from '../../scenarios/scenario.js';

export interface Due { atMs: number; measured: boolean; }

/**
 * Offsets (s) at which the integral of the rate reaches ½, 1½, 2½ …: the i-th send sits in the middle
 * of its share of the rate. Integrated in small steps with the rate taken as linear inside each step,
 * solved exactly there, so a ramp's sends land where its area says.
 */
export function* arrivals(rateRps: (tS: number) => number, durationS: number, stepS = 0.001): Generator<number> {
  let area = 0;
  let next = 0.5;
  let r0 = rateRps(0);
  for (let j = 0; j * stepS < durationS; j++) {
    const t = j * stepS;
    const dt = Math.min(stepS, durationS - t);
    const r1 = rateRps(t + dt);
    const stepArea = ((r0 + r1) / 2) * dt;
    while (next <= area + stepArea) {
      const k = next - area;
      const slope = (r1 - r0) / dt;
      // Root of r0·x + slope·x²/2 = k in the form that stays exact when the slope is 0.
      const x = (2 * k) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * k)));
      if (t + x >= durationS) return;
      yield t + x;
      next += 1;
    }
    area += stepArea;
    r0 = r1;
  }
}

/** The warm-up runs at the first rate the scenario offers (a ramp starting at 0 warms up at its first target). */
export function warmupRate(arrival: Arrival): number {
  const first = rateAt(arrival, 0);
  if (first > 0 || arrival.model !== 'ramp') return first;
  return arrival.stages.find((s) => s.targetRps > 0)?.targetRps ?? 0;
}

/** Warm-up sends, then the measured ones, as offsets in ms from the start of the run. */
export function* schedule(arrival: Arrival, warmupS: number, durationS: number): Generator<Due> {
  const r = warmupRate(arrival);
  if (warmupS > 0 && r > 0) for (const s of arrivals(() => r, warmupS)) yield { atMs: s * 1000, measured: false };
  for (const s of arrivals((t) => rateAt(arrival, t), durationS)) yield { atMs: (warmupS + s) * 1000, measured: true };
}
