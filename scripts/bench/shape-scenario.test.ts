import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/scenario.js';
import { shapeScenario } from './shape-scenario.js';

const quick = { durationS: 6, warmupS: 2 };
const steady = loadScenario('checkout-steady');

describe('shapeScenario: which durations win', () => {
  it('a named scenario runs for the profile\'s length, and says so', () => {
    const r = shapeScenario(steady, { explicitFile: false, profileName: 'quick', profile: quick });
    expect(r.scenario).toMatchObject({ durationS: 6, warmupS: 2 });
    expect(r.durations).toBe(`measured 6 s (the quick profile's; the scenario says ${steady.durationS} s), warm-up 2 s (the quick profile's; the scenario says ${steady.warmupS} s)`);
  });

  it('a scenario file given explicitly keeps its own durations, and says why', () => {
    const file = { ...steady, name: 'mine', durationS: 30, warmupS: 5 };
    const r = shapeScenario(file, { explicitFile: true, profileName: 'quick', profile: quick });
    expect(r.scenario).toMatchObject({ durationS: 30, warmupS: 5 });
    expect(r.durations).toMatch(/^measured 30 s \(the scenario's own\), warm-up 5 s \(the scenario's own\) — mine was given as a file, so its own durations win over the quick profile's$/);
  });

  it('--duration beats both; --rate changes only a constant rate', () => {
    const file = { ...steady, durationS: 30, warmupS: 5 };
    const r = shapeScenario(file, { explicitFile: true, profileName: 'quick', profile: quick, durationS: 12, rateRps: 7 });
    expect(r.scenario).toMatchObject({ durationS: 12, warmupS: 5, arrival: { model: 'constant', rateRps: 7 } });
    expect(r.durations).toMatch(/^measured 12 s \(--duration\)/);
    expect(() => shapeScenario(loadScenario('mixed-ramp'), { explicitFile: false, profileName: 'quick', profile: quick, rateRps: 7 })).toThrow(/--rate applies to constant-rate scenarios; mixed-ramp is ramp/);
  });

  it('a ramp keeps its own length under a profile (its stages are fractions of it)', () => {
    const ramp = loadScenario('mixed-ramp');
    expect(shapeScenario(ramp, { explicitFile: false, profileName: 'quick', profile: quick }).scenario.durationS).toBe(ramp.durationS);
  });
});
