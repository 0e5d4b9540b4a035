// The order of a same-job A/B run: per wiring, pairs of trials in ABBA order (A B, B A, A B, …), the
// wirings taking turns pair by pair. A slow drift of the machine then hits both sides alike: within each
// pair one side goes first, and across two pairs each side goes first once.
export type Side = 'base' | 'candidate';

export interface Slot { wiring: string; /** 1-based: trial `pair` of the base is paired with trial `pair` of the candidate. */ pair: number; side: Side }

export function abbaSchedule(wirings: string[], pairs: number): Slot[] {
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`pairs: expected an integer ≥ 1, got ${pairs}`);
  if (!wirings.length) throw new Error('wirings: expected at least one');
  const slots: Slot[] = [];
  for (let pair = 1; pair <= pairs; pair++) {
    const order: Side[] = pair % 2 === 1 ? ['base', 'candidate'] : ['candidate', 'base'];
    for (const wiring of wirings) for (const side of order) slots.push({ wiring, pair, side });
  }
  return slots;
}

/** Each base slot with its ABBA partner: the candidate slot of the same wiring and pair. */
export function partners(slots: Slot[]): [base: Slot, candidate: Slot][] {
  return slots.filter((s) => s.side === 'base').map((b) => {
    const c = slots.find((s) => s.side === 'candidate' && s.wiring === b.wiring && s.pair === b.pair);
    if (!c) throw new Error(`${b.wiring} pair ${b.pair}: no candidate slot`);
    return [b, c];
  });
}
