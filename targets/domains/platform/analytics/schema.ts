import type pg from 'pg';
import type { SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE events (
     event_id text PRIMARY KEY,
     type text NOT NULL,
     order_id text NOT NULL,
     customer_id text NOT NULL,
     total_cents int NOT NULL
   )`,
  `CREATE TABLE processed_events (
     event_id text PRIMARY KEY,
     processed_at timestamptz NOT NULL DEFAULT clock_timestamp()
   )`,
];

export async function seed(_db: pg.ClientBase, _size: SeedSize) {}
