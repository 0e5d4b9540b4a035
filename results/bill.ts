// The bill: what running a wiring would cost per million orders, from what a cell measured (CPU-seconds
// and peak RSS per process, the database's CPU, the bytes that crossed a boundary) times a price table
// (scenarios/prices.json). A plain function of its inputs, so the Extraction page and the study's tests
// read the same arithmetic the CLI ran.
import type { PriceTable } from '../scenarios/prices.js';
import type { TransferClass } from '../scenarios/links.js';

export interface BillInput {
  /** The measured window, s. */
  durationS: number;
  /** Orders placed in it (checkouts answered OK). */
  orders: number;
  processes: { group: string; cpuS: number; rssMb: number }[];
  /** The database servers' CPU-seconds in the window (null: not measured). */
  dbCpuS: number | null;
  /** Payload bytes that crossed a process boundary in the window. */
  crossingBytes: number;
  transfer: TransferClass;
}

export interface BillParts { cpu: number; memory: number; minimum: number; transfer: number; database: number }

export interface Bill {
  /** null: no order was placed, so there is nothing to divide by. */
  usdPerMillionOrders: number | null;
  ordersPerS: number;
  /** The same total split by what it pays for, $ per million orders; minimum is what the smallest billable size adds over measured use. */
  parts: BillParts | null;
  /** vCPU and GB billed across every process (each at least the smallest size). */
  billedVcpu: number;
  billedGb: number;
}

const MB_PER_GB = 1024;

export function bill(input: BillInput, prices: PriceTable): Bill {
  const hours = input.durationS / 3600;
  const min = prices.minProcess;
  let usedVcpu = 0, usedGb = 0, billedVcpu = 0, billedGb = 0;
  for (const p of input.processes) {
    // Average use over the window: the size a right-sized process would reserve, never below the smallest one.
    const vcpu = p.cpuS / input.durationS;
    const gb = p.rssMb / MB_PER_GB;
    usedVcpu += vcpu; usedGb += gb;
    billedVcpu += Math.max(vcpu, min.vcpu);
    billedGb += Math.max(gb, min.gb);
  }
  const perHour = {
    cpu: usedVcpu * prices.vcpuHour.usd,
    memory: usedGb * prices.gbHour.usd,
    minimum: (billedVcpu - usedVcpu) * prices.vcpuHour.usd + (billedGb - usedGb) * prices.gbHour.usd,
    database: ((input.dbCpuS ?? 0) / input.durationS) * prices.vcpuHour.usd,
    transfer: hours > 0 ? (input.crossingBytes / 2 ** 30 / hours) * transferPrice(input.transfer, prices) : 0,
  };
  const ordersPerS = input.durationS > 0 ? input.orders / input.durationS : 0;
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const bill = { ordersPerS: round(ordersPerS), billedVcpu: round(billedVcpu), billedGb: round(billedGb) };
  if (!(ordersPerS > 0) || input.processes.length === 0) return { ...bill, usdPerMillionOrders: null, parts: null };
  const perMillion = (usdPerHour: number) => round((usdPerHour / (ordersPerS * 3600)) * 1e6);
  const parts: BillParts = {
    cpu: perMillion(perHour.cpu), memory: perMillion(perHour.memory), minimum: perMillion(perHour.minimum),
    transfer: perMillion(perHour.transfer), database: perMillion(perHour.database),
  };
  return { ...bill, usdPerMillionOrders: perMillion(Object.values(perHour).reduce((a, b) => a + b, 0)), parts };
}

function transferPrice(transfer: TransferClass, prices: PriceTable): number {
  if (transfer === 'inter-zone') return prices.interZonePerGB.usd;
  if (transfer === 'inter-region') return prices.interRegionPerGB.usd;
  return 0;
}

/** The method in words, for the console and the page. */
export function describeBill(prices: PriceTable): string {
  const $ = (p: { usd: number; unit: string }) => `$${p.usd} ${p.unit}`;
  return `The bill ($ per million orders, ${prices.file}): every process billed at its measured average CPU (CPU-seconds ÷ window) and peak RSS, ` +
    `never below ${prices.minProcess.vcpu} vCPU / ${prices.minProcess.gb} GB (${prices.minProcess.source}), at ${$(prices.vcpuHour)} and ${$(prices.gbHour)}; ` +
    `the database's CPU at the same vCPU price; bytes crossing a boundary at ${$(prices.interZonePerGB)} across zones, ${$(prices.interRegionPerGB)} across regions, nothing on one host or in one zone; ` +
    `the hourly total ÷ orders per hour × 1,000,000. It prices the mix as driven (browses and searches included), at the load driven: a process's use at a higher load would grow, its minimum would not.`;
}
