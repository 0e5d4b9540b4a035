// What the gate asks of a run's trials (results/trials.ts decodes them): enough samples for a
// percentile, lower bounds, and trials paired across wirings.
import type { Trial } from '../../results/trials.js';

/** Why the trials cannot give a p-quantile, if they cannot: a p99 of 99 samples would be their maximum. */
export function tooFewSamples(trials: Trial[], p: number): string | undefined {
  if (!trials.length) return 'no trials';
  const needed = Math.ceil(1 / (1 - p));
  const fewest = Math.min(...trials.map((t) => t.latencyMs.count));
  return fewest < needed ? `a trial has ${fewest} sample(s); p${p * 100} needs ≥ ${needed} per trial` : undefined;
}

/** A median over trials is a lower bound once any one of them is: that trial's true value may rank higher. */
export const anyLowerBound = (trials: Trial[]): boolean => trials.some((t) => t.lowerBound);

/** Trial t of a wiring with trial t of the monolith: interleaved, they ran minutes apart at most. */
export function pairByTrial(wiring: Trial[], monolith: Trial[]): [Trial, Trial][] {
  return wiring.flatMap((w) => {
    const m = monolith.find((x) => x.trial === w.trial);
    return m ? [[w, m] as [Trial, Trial]] : [];
  });
}
