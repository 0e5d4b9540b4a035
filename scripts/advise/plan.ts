// The order an extraction study runs its cells in. Per link profile, the monolith is measured between
// every two candidates (M C C M C C … M), so each candidate is compared with the monolith trials just
// before and after it: a slow drift of the machine moves both sides alike. More trials repeat the round
// with the candidates reversed. The ladder follows, once the ranking is known.
import { SERVICES } from '../../targets/services.js';
import type { StudyRole } from '../../results/advise.js';

export interface Slot {
  role: StudyRole;
  link: string;
  wiring: string;
  /** Services outside the main process. */
  extracted: string[];
  /** 1-based, per link and role: the round of a candidate or monolith trial, the step of a ladder cell. */
  trial: number;
}

/** Every service but the gateway (it hosts the front door): what a study considers unless told. */
export const EXTRACTABLE = SERVICES.names.filter((s) => s !== 'gateway');

/** How many candidates run between two monolith trials. */
export const CANDIDATES_PER_MONOLITH = 2;

export function candidateSlots(services: string[], transport: string, link: string, trials: number): Slot[] {
  if (!services.length) throw new Error('services: expected at least one candidate');
  const slots: Slot[] = [];
  let monolith = 0;
  const mono = () => slots.push({ role: 'monolith', link, wiring: 'monolith', extracted: [], trial: ++monolith });
  for (let round = 1; round <= trials; round++) {
    const order = round % 2 ? services : [...services].reverse();
    order.forEach((service, i) => {
      if (i % CANDIDATES_PER_MONOLITH === 0 && !(round > 1 && i === 0)) mono();
      slots.push({ role: 'candidate', link, wiring: extractWiring([service], transport), extracted: [service], trial: round });
    });
    mono();
  }
  return slots;
}

/**
 * The greedy ladder after the ranking: take out the cheapest, then the next, … Step 1 (the monolith) and
 * step 2 (the cheapest alone) are the candidates' own cells; every later step is measured. When every
 * extractable service is a candidate, the last step is services/<transport> (the gateway alone in main).
 */
export function ladderSlots(ranked: string[], transport: string, link: string): Slot[] {
  const slots: Slot[] = [];
  for (let n = 2; n <= ranked.length; n++) {
    const extracted = ranked.slice(0, n);
    slots.push({ role: 'ladder', link, wiring: extractWiring(extracted, transport), extracted, trial: n + 1 });
  }
  return slots;
}

export function extractWiring(services: string[], transport: string): string {
  const all = EXTRACTABLE.every((s) => services.includes(s));
  return all ? `services/${transport}` : `extract:${services.join(',')}/${transport}`;
}

/** Neighbours of each candidate slot: the monolith slots of the same link just before and after it. */
export function neighbours(slots: Slot[], index: number): number[] {
  const { link } = slots[index];
  const out: number[] = [];
  for (let i = index - 1; i >= 0; i--) if (slots[i].link === link && slots[i].role === 'monolith') { out.push(i); break; }
  for (let i = index + 1; i < slots.length; i++) if (slots[i].link === link && slots[i].role === 'monolith') { out.push(i); break; }
  return out;
}
