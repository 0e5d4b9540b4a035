import type pg from 'pg';
import type { SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE accounts (
     customer_id text PRIMARY KEY,
     points int NOT NULL
   )`,
  `CREATE TABLE processed_events (
     event_id text PRIMARY KEY,
     processed_at timestamptz NOT NULL DEFAULT clock_timestamp()
   )`,
];

/** Accounts open with a customer's first order: nothing to seed. */
export async function seed(_db: pg.ClientBase, _size: SeedSize) {}
