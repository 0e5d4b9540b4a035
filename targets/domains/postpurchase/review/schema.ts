import type pg from 'pg';
import { reviewCount, reviewRating, skuId, type SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE reviews (
     review_id serial PRIMARY KEY,
     sku text NOT NULL,
     rating int NOT NULL,
     body text NOT NULL
   )`,
  'CREATE INDEX reviews_sku ON reviews (sku)',
];

export async function seed(db: pg.ClientBase, size: SeedSize) {
  const skus: string[] = [], ratings: number[] = [], bodies: string[] = [];
  for (let i = 1; i <= size.skus; i++) {
    for (let k = 0; k < reviewCount(i); k++) {
      skus.push(skuId(i));
      ratings.push(reviewRating(i, k));
      bodies.push(`Review ${k + 1} of ${skuId(i)}: ${reviewRating(i, k)} stars`);
    }
  }
  await db.query('INSERT INTO reviews (sku, rating, body) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])', [skus, ratings, bodies]);
}
