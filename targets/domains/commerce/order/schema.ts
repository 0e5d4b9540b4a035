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
  // One row per order id whose fate is settled: PLACED with its order, or ABANDONED by a checkout that
  // gave up. The primary key makes create and abandon of one id exclude each other.
  `CREATE TABLE order_fates (
     order_id text PRIMARY KEY,
     fate text NOT NULL CHECK (fate IN ('PLACED', 'ABANDONED'))
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
  // created_at is the insert's own clock (clock_timestamp(), not the transaction's start): where the
  // commit → consumed latency of every event is measured from. pending NULL: every subscriber of the
  // type is still to receive it; after a failed attempt, the consumers that failed.
  `CREATE TABLE outbox (
     event_id text PRIMARY KEY,
     seq bigserial NOT NULL,
     type text NOT NULL,
     payload jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
     done_at timestamptz,
     pending text[],
     attempts int NOT NULL DEFAULT 0,
     retry_at timestamptz,
     last_error text
   )`,
  `CREATE INDEX outbox_undone ON outbox (seq) WHERE done_at IS NULL`,
  /** Deliveries that failed maxAttempts times: out of the relay's way, kept for a person to look at. */
  `CREATE TABLE outbox_dead (
     event_id text NOT NULL,
     consumer text NOT NULL,
     attempts int NOT NULL,
     error text NOT NULL,
     dead_at timestamptz NOT NULL DEFAULT clock_timestamp(),
     PRIMARY KEY (event_id, consumer)
   )`,
];

export async function seed(_db: pg.ClientBase, _size: SeedSize) {}
