// A measured cell priced (results/bill.ts): what its processes and database used over the measured
// window, and the payload bytes that crossed its process boundaries, at a price table. npm run bench
// prices every cell, npm run advise every cell of its study.
import type { TransferClass } from '../../scenarios/links.js';
import type { PriceTable } from '../../scenarios/prices.js';
import { groupOf, parseWiring } from '../../targets/wirings/placement.js';
import { bill, type Bill } from '../../results/bill.js';
import type { Cell } from '../../results/run.js';

export function billCell(cell: Omit<Cell, 'bill'>, transfer: TransferClass, prices: PriceTable): Bill {
  const requests = cell.driver.workflows.find((w) => w.workflow === 'all')?.latencyMs.count ?? cell.driver.sent;
  return bill({
    durationS: cell.driver.durationS,
    orders: cell.driver.workflows.find((w) => w.workflow === 'checkout')?.ok ?? 0,
    processes: cell.cost.perProcess ?? [],
    dbCpuS: cell.cost.dbCpuSPer1kRequests === null ? null : (cell.cost.dbCpuSPer1kRequests * requests) / 1000,
    crossingBytes: crossingBytes(cell),
    transfer,
  }, prices);
}

/** Payload bytes that crossed a process boundary in the cell's measured window. */
export function crossingBytes(cell: Pick<Cell, 'wiring' | 'edges'>): number {
  const wiring = parseWiring(cell.wiring);
  return cell.edges.filter((e) => groupOf(wiring, e.from).name !== groupOf(wiring, e.to).name)
    .reduce((t, e) => t + e.calls * (e.requestBytesMean + e.responseBytesMean), 0);
}
