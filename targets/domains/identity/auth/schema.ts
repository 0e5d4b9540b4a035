import type pg from 'pg';
import { customerId, token, tokenExpired, userId, type SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE tokens (
     token text PRIMARY KEY,
     user_id text NOT NULL,
     customer_id text NOT NULL,
     expires_at timestamptz NOT NULL
   )`,
];

export async function seed(db: pg.ClientBase, size: SeedSize) {
  const ids = Array.from({ length: size.customers }, (_, k) => k + 1);
  await db.query(
    `INSERT INTO tokens (token, user_id, customer_id, expires_at)
     SELECT t, u, c, CASE WHEN e THEN now() - interval '1 day' ELSE now() + interval '10 years' END
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[]) AS s(t, u, c, e)`,
    [
      [...ids.map(token), ...ids.map(tokenExpired)],
      [...ids.map(userId), ...ids.map(userId)],
      [...ids.map(customerId), ...ids.map(customerId)],
      [...ids.map(() => false), ...ids.map(() => true)],
    ],
  );
}
