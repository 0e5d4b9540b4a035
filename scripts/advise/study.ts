// Runs an extraction study: per link profile, the candidates interleaved with monolith trials
// (plan.ts), then the greedy ladder in the order the candidates ranked, every cell a fresh start
// (scripts/bench/cell.ts) and priced (scripts/bench/bill-cell.ts). Used by npm run advise and by its tests.
import type { CellDatabases } from '../../targets/db/cell-start.js';
import type { Databases } from '../../targets/db/connect.js';
import type { Toxiproxy } from '../../targets/wirings/toxiproxy.js';
import type { LinkProfile } from '../../scenarios/links.js';
import type { PriceTable } from '../../scenarios/prices.js';
import type { Scenario } from '../../scenarios/scenario.js';
import type { CandidateResult, Ladder, StudyCell } from '../../results/advise.js';
import { billCell } from '../bench/bill-cell.js';
import { runCell, type DriveFn } from '../bench/cell.js';
import { addsNothing, applyLink } from '../bench/link-profile.js';
import type { PhaseProgress } from '../bench/progress.js';
import { ladderOrder } from '../../results/advise-rank.js';
import { compare, ladders } from './compare.js';
import { candidateSlots, ladderSlots, type Slot } from './plan.js';

export interface StudyOptions {
  services: string[];
  transport: string;
  links: LinkProfile[];
  prices: PriceTable;
  scenario: Scenario;
  trials: number;
  ladder: boolean;
  confidence: number;
  db: Databases;
  fresh: CellDatabases;
  /** Needed when a link profile adds anything. */
  toxiproxy?: Toxiproxy;
  drive: DriveFn;
  runTag: string;
  onStop: (stop: () => Promise<void>) => void;
  /** Before each cell: its slot, how many cells ran, and how many are planned in all. */
  onCell?: (slot: Slot, done: number, planned: number) => void;
  onPhase?: (phase: string) => void;
  onProgress?: (p: PhaseProgress) => void;
  /** After each cell. */
  onMeasured?: (cell: StudyCell, slot: Slot) => void;
}

export interface Study { cells: StudyCell[]; candidates: CandidateResult[]; ladders: Ladder[] }

/** Cells a study will run: for a plan's progress line. */
export function plannedCells(o: Pick<StudyOptions, 'services' | 'transport' | 'links' | 'trials' | 'ladder'>): number {
  const candidates = candidateSlots(o.services, o.transport, 'x', o.trials).length;
  return o.links.length * (candidates + (o.ladder ? Math.max(0, o.services.length - 1) : 0));
}

export async function runStudy(o: StudyOptions): Promise<Study> {
  const cells: StudyCell[] = [];
  const planned = plannedCells(o);
  const measure = async (slot: Slot, link: LinkProfile) => {
    o.onCell?.(slot, cells.length, planned);
    const applied = addsNothing(link) ? undefined : applyLink(link);
    if (applied && !o.toxiproxy) throw new Error(`link ${link.name}: it adds ${applied.rttMs} ms per round trip, and that needs Toxiproxy, which was not started`);
    const cell = await runCell({
      wiring: slot.wiring, scenario: o.scenario, runTag: `${o.runTag}-${cells.length}`, db: o.db, fresh: o.fresh, trial: slot.trial, drive: o.drive,
      onPhase: o.onPhase ?? (() => {}), onProgress: o.onProgress ?? (() => {}), onStop: o.onStop,
      ...(applied && { link: { applied, toxiproxy: o.toxiproxy! } }),
    });
    const study: StudyCell = { ...cell, role: slot.role, link: link.name, extracted: slot.extracted, bill: billCell(cell, link.transfer, o.prices) };
    cells.push(study);
    o.onMeasured?.(study, slot);
  };
  for (const link of o.links) {
    for (const slot of candidateSlots(o.services, o.transport, link.name, o.trials)) await measure(slot, link);
    if (!o.ladder) continue;
    const ranked = ladderOrder(compare(cells.filter((c) => c.link === link.name), o.confidence)).map((c) => c.service);
    for (const slot of ladderSlots(ranked, o.transport, link.name)) await measure(slot, link);
  }
  const candidates = compare(cells, o.confidence);
  return { cells, candidates, ladders: o.ladder ? ladders(cells, candidates) : [] };
}
