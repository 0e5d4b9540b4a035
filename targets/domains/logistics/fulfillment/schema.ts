import type pg from 'pg';
import type { SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE fulfillments (
     order_id text PRIMARY KEY,
     reservation_id text NOT NULL,
     shipment_id text NOT NULL,
     status text NOT NULL
   )`,
  `CREATE TABLE processed_events (
     event_id text PRIMARY KEY,
     processed_at timestamptz NOT NULL DEFAULT clock_timestamp()
   )`,
];

export async function seed(_db: pg.ClientBase, _size: SeedSize) {}
