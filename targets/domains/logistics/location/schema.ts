import type pg from 'pg';
import { COUNTRIES, type SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE zones (
     country text PRIMARY KEY,
     zone text NOT NULL,
     warehouse_id text NOT NULL
   )`,
];

/** One warehouse per zone. */
const warehouseFor = (zone: string) => `wh-${zone.toLowerCase()}`;

export async function seed(db: pg.ClientBase, _size: SeedSize) {
  await db.query(
    `INSERT INTO zones (country, zone, warehouse_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [COUNTRIES.map((c) => c.country), COUNTRIES.map((c) => c.zone), COUNTRIES.map((c) => warehouseFor(c.zone))],
  );
}
