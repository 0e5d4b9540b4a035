import type pg from 'pg';
import type { SeedSize } from '../../../db/seed-data.js';

export const migrations = [
  `CREATE TABLE orders (
     order_id text PRIMARY KEY,
     customer_id text NOT NULL,
     status text NOT NULL,
     currency text NOT NULL,
     subtotal_cents int NOT NULL,
     discount_cents int NOT NULL,
     tax_cents int NOT NULL,
     shipping_cents int NOT NULL,
     total_cents int NOT NULL,
     payment_id text NOT NULL,
     reservation_id text NOT NULL,
     zone text NOT NULL,
     weight_grams int NOT NULL,
     created_seq bigserial NOT NULL
   )`,
  `CREATE INDEX orders_by_customer ON orders (customer_id, created_seq)`,
  `CREATE TABLE order_lines (
     order_id text NOT NULL,
     line_no int NOT NULL,
     sku text NOT NULL,
     qty int NOT NULL,
     unit_cents int NOT NULL,
     line_cents int NOT NULL,
     PRIMARY KEY (order_id, line_no)
   )`,
  `CREATE TABLE outbox (
     event_id text PRIMARY KEY,
     seq bigserial NOT NULL,
     type text NOT NULL,
     payload jsonb NOT NULL,
     delivered_at timestamptz
   )`,
  `CREATE INDEX outbox_undelivered ON outbox (seq) WHERE delivered_at IS NULL`,
  `CREATE TABLE outbox_deliveries (
     event_id text NOT NULL,
     consumer text NOT NULL,
     PRIMARY KEY (event_id, consumer)
   )`,
];

export async function seed(_db: pg.ClientBase, _size: SeedSize) {}
