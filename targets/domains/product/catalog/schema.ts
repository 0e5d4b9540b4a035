import type pg from 'pg';
import { category, productName, skuId, weightGrams, type SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE products (
     sku text PRIMARY KEY,
     name text NOT NULL,
     category text NOT NULL,
     weight_grams int NOT NULL,
     active bool NOT NULL
   )`,
];

export async function seed(db: pg.ClientBase, size: SeedSize) {
  const ids = Array.from({ length: size.skus }, (_, k) => k + 1);
  await db.query(
    `INSERT INTO products (sku, name, category, weight_grams, active)
     SELECT s, n, c, w, true FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS u(s, n, c, w)`,
    [ids.map(skuId), ids.map(productName), ids.map(category), ids.map(weightGrams)],
  );
}
