import type pg from 'pg';
import { COUPONS, TIER_DISCOUNT_PCT, type SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE coupons (
     code text PRIMARY KEY,
     percent_off int NOT NULL,
     amount_off_cents int NOT NULL,
     min_subtotal_cents int NOT NULL
   )`,
  `CREATE TABLE tier_discounts (
     tier text PRIMARY KEY,
     pct int NOT NULL
   )`,
];

export async function seed(db: pg.ClientBase, _size: SeedSize) {
  await db.query(
    `INSERT INTO coupons (code, percent_off, amount_off_cents, min_subtotal_cents)
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[])`,
    [COUPONS.map((c) => c.code), COUPONS.map((c) => c.percentOff), COUPONS.map((c) => c.amountOffCents), COUPONS.map((c) => c.minSubtotalCents)],
  );
  await db.query('INSERT INTO tier_discounts (tier, pct) SELECT * FROM unnest($1::text[], $2::int[])', [Object.keys(TIER_DISCOUNT_PCT), Object.values(TIER_DISCOUNT_PCT)]);
}
