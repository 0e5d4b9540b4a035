import type pg from 'pg';
import type { SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE payments (
     payment_id text PRIMARY KEY,
     order_id text NOT NULL,
     customer_id text NOT NULL,
     amount_cents int NOT NULL,
     currency text NOT NULL,
     status text NOT NULL CHECK (status IN ('AUTHORIZED', 'DECLINED', 'VOIDED')),
     fraud_score int NOT NULL,
     decline_reason text NOT NULL,
     idempotency_key text NOT NULL UNIQUE
   )`,
  `CREATE TABLE refunds (
     refund_id text PRIMARY KEY,
     payment_id text NOT NULL,
     amount_cents int NOT NULL,
     idempotency_key text NOT NULL UNIQUE
   )`,
  `CREATE INDEX refunds_payment ON refunds (payment_id)`,
];

export async function seed(_db: pg.ClientBase, _size: SeedSize) {}
