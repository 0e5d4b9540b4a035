import type pg from 'pg';
import type { SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE flags (
     name text PRIMARY KEY,
     enabled bool NOT NULL
   )`,
];

const FLAGS = { checkout_enabled: true, search_enabled: true, returns_enabled: true };

export async function seed(db: pg.ClientBase, _size: SeedSize) {
  await db.query('INSERT INTO flags (name, enabled) SELECT * FROM unnest($1::text[], $2::bool[])', [Object.keys(FLAGS), Object.values(FLAGS)]);
}
