// Which durations a bench run uses, and why. A scenario named by the user is shortened to the
// profile's length (that is what a profile is); a scenario *file* passed explicitly is taken as
// written, since its durations are part of what its author asked for. A flag beats both. The
// console prints the sentence this returns, so nobody has to guess which value won.
import { ScenarioError, type Scenario } from '../../scenarios/scenario.js';

export interface ShapeOptions {
  /** --scenario named a .json file rather than a shipped scenario. */
  explicitFile: boolean;
  profileName: string;
  profile: { durationS: number | undefined; warmupS: number | undefined };
  /** --duration, --rate */
  durationS?: number;
  rateRps?: number;
}

export function shapeScenario(s: Scenario, o: ShapeOptions): { scenario: Scenario; durations: string } {
  if (o.rateRps !== undefined && s.arrival.model !== 'constant') throw new ScenarioError(`--rate applies to constant-rate scenarios; ${s.name} is ${s.arrival.model}`);
  const arrival = o.rateRps === undefined ? s.arrival : { ...s.arrival, rateRps: o.rateRps };
  // A ramp's stages are fractions of its own duration, and faults are timed in its seconds: shortening
  // either would change what the scenario is, so it keeps its own.
  const useProfile = !o.explicitFile;
  const profileDurationS = useProfile && s.arrival.model !== 'ramp' && !s.faults.length ? o.profile.durationS : undefined;
  const profileWarmupS = useProfile ? o.profile.warmupS : undefined;
  const durationS = o.durationS ?? profileDurationS ?? s.durationS;
  const lastFaultEndS = Math.max(0, ...s.faults.map((f) => f.atS + f.durationS));
  if (durationS < lastFaultEndS) throw new ScenarioError(`--duration ${durationS}: ${s.name}'s last fault ends at ${lastFaultEndS} s of the measured phase; measure at least that long`);
  const warmupS = profileWarmupS ?? s.warmupS;

  const from = (value: number, own: number, flag: boolean, profileValue: number | undefined) =>
    flag ? `${value} s (--duration)` : profileValue !== undefined && profileValue !== own ? `${value} s (the ${o.profileName} profile's; the scenario says ${own} s)` : `${value} s (the scenario's own)`;
  const source = o.explicitFile ? ` — ${s.name} was given as a file, so its own durations win over the ${o.profileName} profile's` : '';
  const durations = `measured ${from(durationS, s.durationS, o.durationS !== undefined, profileDurationS)}, warm-up ${from(warmupS, s.warmupS, false, profileWarmupS)}${source}`;
  return { scenario: { ...s, arrival, durationS, warmupS }, durations };
}

/** "50 req/s constant, 20 s measured after 5 s warm-up": the load as the console states it. */
export function describeArrival(s: Scenario): string {
  const a = s.arrival;
  const what = a.model === 'constant' ? `${a.rateRps} req/s constant` : a.model === 'ramp' ? `ramp ${a.startRps}→${a.stages.map((x) => x.targetRps).join('→')} req/s` : `closed, ${a.concurrency} in flight`;
  return `${what}, ${s.durationS} s measured after ${s.warmupS} s warm-up`;
}
