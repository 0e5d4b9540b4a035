// The bill against figures worked out by hand.
import { describe, expect, it } from 'vitest';
import { loadPrices } from '../scenarios/prices.js';
import { bill, type BillInput } from './bill.js';

const prices = loadPrices();
const base: BillInput = { durationS: 3600, orders: 3600, processes: [{ group: 'main', cpuS: 1800, rssMb: 1024 }], dbCpuS: 360, crossingBytes: 0, transfer: 'none' };

describe('the bill', () => {
  it('prices one busy process, its database and nothing for the network, per million orders', () => {
    // 1 order/s: an hour is 3,600 orders. 0.5 vCPU + 1 GB + 0.1 vCPU of database per hour.
    const perHour = 0.5 * prices.vcpuHour.usd + 1 * prices.gbHour.usd + 0.1 * prices.vcpuHour.usd;
    const b = bill(base, prices);
    expect(b.usdPerMillionOrders).toBeCloseTo((perHour / 3600) * 1e6, 3);
    expect(b.parts!.minimum).toBe(0);
    expect(b.parts!.transfer).toBe(0);
    expect(b.billedVcpu).toBe(0.5);
  });

  it('bills an idle satellite at the smallest size, and bytes across zones at the transfer price', () => {
    const idle = { group: 'notification', cpuS: 36, rssMb: 100 };
    const b = bill({ ...base, processes: [...base.processes, idle], crossingBytes: 2 ** 30, transfer: 'inter-zone' }, prices);
    const minimumPerHour = (0.25 - 0.01) * prices.vcpuHour.usd + (0.5 - 100 / 1024) * prices.gbHour.usd;
    expect(b.parts!.minimum).toBeCloseTo((minimumPerHour / 3600) * 1e6, 3);
    expect(b.parts!.transfer).toBeCloseTo((prices.interZonePerGB.usd / 3600) * 1e6, 3);
    expect(b.usdPerMillionOrders!).toBeGreaterThan(bill(base, prices).usdPerMillionOrders!);
    expect(bill({ ...base, crossingBytes: 2 ** 30 }, prices).parts!.transfer).toBe(0);
  });

  it('has no price per order when no order was placed', () => {
    expect(bill({ ...base, orders: 0 }, prices)).toMatchObject({ usdPerMillionOrders: null, parts: null });
  });
});
