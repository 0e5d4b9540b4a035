import type pg from 'pg';
import { initialStock, skuId, type SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE stock (
     sku text PRIMARY KEY,
     on_hand int NOT NULL CHECK (on_hand >= 0),
     reserved int NOT NULL DEFAULT 0 CHECK (reserved >= 0),
     sold int NOT NULL DEFAULT 0 CHECK (sold >= 0),
     seeded int NOT NULL
   )`,
  `CREATE TABLE reservations (
     reservation_id text PRIMARY KEY,
     order_id text NOT NULL UNIQUE,
     status text NOT NULL CHECK (status IN ('RESERVED', 'RELEASED', 'COMMITTED'))
   )`,
  `CREATE TABLE reservation_lines (
     reservation_id text NOT NULL,
     sku text NOT NULL,
     qty int NOT NULL,
     PRIMARY KEY (reservation_id, sku)
   )`,
  `CREATE TABLE restocks (
     return_id text PRIMARY KEY,
     order_id text NOT NULL,
     units int NOT NULL
   )`,
];

export async function seed(db: pg.ClientBase, size: SeedSize) {
  const ids = Array.from({ length: size.skus }, (_, k) => k + 1);
  await db.query(
    `INSERT INTO stock (sku, on_hand, reserved, sold, seeded)
     SELECT s, n, 0, 0, n FROM unnest($1::text[], $2::int[]) AS t(s, n)`,
    [ids.map(skuId), ids.map(initialStock)],
  );
}
