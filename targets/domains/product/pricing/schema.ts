import type pg from 'pg';
import { basePriceCents, COUNTRIES, FX_PPM, skuId, type SeedSize } from '../../../db/seed-data.js';
import { charmPrice, convert } from './money.js';

export const migrations = [
  `CREATE TABLE prices (
     sku text PRIMARY KEY,
     base_cents int NOT NULL
   )`,
  `CREATE TABLE overrides (
     sku text NOT NULL,
     currency text NOT NULL,
     unit_cents int NOT NULL,
     PRIMARY KEY (sku, currency)
   )`,
  `CREATE TABLE fx (
     currency text PRIMARY KEY,
     ppm int NOT NULL
   )`,
  `CREATE TABLE tax_rates (
     country text PRIMARY KEY,
     bp int NOT NULL
   )`,
];

/** Every 100th SKU has a hand-set EUR price: the charm price just below its converted price. */
const OVERRIDE_EVERY = 100;
const OVERRIDE_CURRENCY = 'EUR';

export async function seed(db: pg.ClientBase, size: SeedSize) {
  const ids = Array.from({ length: size.skus }, (_, k) => k + 1);
  await db.query('INSERT INTO prices (sku, base_cents) SELECT * FROM unnest($1::text[], $2::int[])', [ids.map(skuId), ids.map(basePriceCents)]);
  const overridden = ids.filter((i) => i % OVERRIDE_EVERY === 0);
  await db.query(
    `INSERT INTO overrides (sku, currency, unit_cents) SELECT s, $2, u FROM unnest($1::text[], $3::int[]) AS o(s, u)`,
    [overridden.map(skuId), OVERRIDE_CURRENCY, overridden.map((i) => charmPrice(convert(basePriceCents(i), FX_PPM[OVERRIDE_CURRENCY])))],
  );
  await db.query('INSERT INTO fx (currency, ppm) SELECT * FROM unnest($1::text[], $2::int[])', [Object.keys(FX_PPM), Object.values(FX_PPM)]);
  await db.query('INSERT INTO tax_rates (country, bp) SELECT * FROM unnest($1::text[], $2::int[])', [COUNTRIES.map((c) => c.country), COUNTRIES.map((c) => c.taxBp)]);
}
