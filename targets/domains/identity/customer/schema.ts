import type pg from 'pg';
import { customerCountry, customerId, customerName, customerTier, userId, type SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE customers (
     customer_id text PRIMARY KEY,
     user_id text NOT NULL,
     name text NOT NULL,
     tier text NOT NULL,
     country text NOT NULL,
     currency text NOT NULL,
     ltv_cents int NOT NULL DEFAULT 0
   )`,
  `CREATE TABLE processed_events (
     event_id text PRIMARY KEY,
     processed_at timestamptz NOT NULL DEFAULT clock_timestamp()
   )`,
];

export async function seed(db: pg.ClientBase, size: SeedSize) {
  const ids = Array.from({ length: size.customers }, (_, k) => k + 1);
  await db.query(
    `INSERT INTO customers (customer_id, user_id, name, tier, country, currency)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      ids.map(customerId), ids.map(userId), ids.map(customerName), ids.map(customerTier),
      ids.map((i) => customerCountry(i).country), ids.map((i) => customerCountry(i).currency),
    ],
  );
}
