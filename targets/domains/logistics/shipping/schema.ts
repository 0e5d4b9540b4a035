import type pg from 'pg';
import { COUNTRIES, type SeedSize } from '../../../db/seed-data.js';

/** Carrier tariffs per zone, in USD cents (as catalog base prices are). */
const RATES: Record<string, { carrier: string; baseCents: number; perKgCents: number; days: number }[]> = {
  NA: [
    { carrier: 'fedex', baseCents: 799, perKgCents: 120, days: 2 },
    { carrier: 'ups', baseCents: 599, perKgCents: 150, days: 3 },
    { carrier: 'usps', baseCents: 499, perKgCents: 180, days: 5 },
  ],
  EU: [
    { carrier: 'dhl', baseCents: 699, perKgCents: 140, days: 3 },
    { carrier: 'dpd', baseCents: 549, perKgCents: 170, days: 4 },
    { carrier: 'ups', baseCents: 899, perKgCents: 110, days: 2 },
  ],
  APAC: [
    { carrier: 'dhl', baseCents: 999, perKgCents: 160, days: 4 },
    { carrier: 'japanpost', baseCents: 399, perKgCents: 220, days: 6 },
    { carrier: 'yamato', baseCents: 599, perKgCents: 190, days: 3 },
  ],
};

export const migrations = [
  `CREATE TABLE rates (
     zone text NOT NULL,
     carrier text NOT NULL,
     base_cents int NOT NULL,
     per_kg_cents int NOT NULL,
     days int NOT NULL,
     PRIMARY KEY (zone, carrier)
   )`,
  `CREATE TABLE shipments (
     shipment_id text PRIMARY KEY,
     order_id text NOT NULL UNIQUE,
     carrier text NOT NULL,
     zone text NOT NULL,
     weight_grams int NOT NULL
   )`,
];

export async function seed(db: pg.ClientBase, _size: SeedSize) {
  const rates = [...new Set(COUNTRIES.map((c) => c.zone))].flatMap((zone) => RATES[zone].map((r) => ({ zone, ...r })));
  await db.query(
    `INSERT INTO rates (zone, carrier, base_cents, per_kg_cents, days)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[])`,
    [rates.map((r) => r.zone), rates.map((r) => r.carrier), rates.map((r) => r.baseCents), rates.map((r) => r.perKgCents), rates.map((r) => r.days)],
  );
}
