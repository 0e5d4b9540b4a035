import type pg from 'pg';
import type { SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE returns (
     return_id text PRIMARY KEY,
     order_id text NOT NULL UNIQUE,
     customer_id text NOT NULL,
     idempotency_key text NOT NULL,
     status text NOT NULL CHECK (status IN ('PENDING', 'REFUNDED')),
     refund_cents int NOT NULL,
     restocked_units int NOT NULL
   )`,
  `CREATE INDEX returns_unfinished ON returns (order_id) WHERE status = 'PENDING'`,
];

export async function seed(_db: pg.ClientBase, _size: SeedSize) {}
