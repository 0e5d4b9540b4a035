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
     -- The saga past its pivot: AUTHORIZED (order to create, pivot holds what it needs), then PLACED or VOIDED.
     stage text CHECK (stage IN ('AUTHORIZED', 'PLACED', 'VOIDED')),
     pivot jsonb,
     compensated text[],
     PRIMARY KEY (customer_id, idempotency_key)
   )`,
  `CREATE INDEX attempts_unfinished ON attempts (stage) WHERE status = 'PENDING' AND stage = 'AUTHORIZED'`,
];

export async function seed(_db: pg.ClientBase, _size: SeedSize) {}
