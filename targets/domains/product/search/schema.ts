import type pg from 'pg';
import { category, productName, skuId, type SeedSize } from '../../../db/seed-data.js';

// The read model: one document per SKU with its text-search vector kept by Postgres itself.
export const migrations = [
  `CREATE TABLE documents (
     sku text PRIMARY KEY,
     name text NOT NULL,
     category text NOT NULL,
     tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', name || ' ' || category)) STORED
   )`,
  'CREATE INDEX documents_tsv ON documents USING gin (tsv)',
];

export async function seed(db: pg.ClientBase, size: SeedSize) {
  const ids = Array.from({ length: size.skus }, (_, k) => k + 1);
  await db.query(
    'INSERT INTO documents (sku, name, category) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])',
    [ids.map(skuId), ids.map(productName), ids.map(category)],
  );
}
