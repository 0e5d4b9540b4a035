import type pg from 'pg';
import type { SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE attempts (
     customer_id text NOT NULL,
     idempotency_key text NOT NULL,
     request_hash text NOT NULL,
     status text NOT NULL CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
     response jsonb,
     error jsonb,
     PRIMARY KEY (customer_id, idempotency_key)
   )`,
];

export async function seed(_db: pg.ClientBase, _size: SeedSize) {}
