import type pg from 'pg';
import { customerEmail, customerName, userId, type SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE users (
     user_id text PRIMARY KEY,
     email text NOT NULL,
     name text NOT NULL
   )`,
];

/** One user per customer: user i owns customer i. */
export async function seed(db: pg.ClientBase, size: SeedSize) {
  const ids = Array.from({ length: size.customers }, (_, k) => k + 1);
  await db.query(
    'INSERT INTO users (user_id, email, name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])',
    [ids.map(userId), ids.map(customerEmail), ids.map(customerName)],
  );
}
