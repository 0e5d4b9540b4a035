import type pg from 'pg';
import { Warehouse } from '../../../contracts/logistics/warehouse.js';
import { notFound, precondition, ServiceError } from '../../../kit/errors.js';
import type { Ctx } from '../../../kit/ctx.js';
import { implement } from '../../../kit/implement.js';
import { inTx } from '../../../db/pools.js';
import * as schema from './schema.js';

interface Line { sku: string; qty: number; }
type Settled = 'RELEASED' | 'COMMITTED';

/** One line per SKU, in SKU order: every transaction locks stock rows in the same order, so none deadlock. */
function merge(lines: Line[]): Line[] {
  const qty = new Map<string, number>();
  for (const l of lines) qty.set(l.sku, (qty.get(l.sku) ?? 0) + l.qty);
  return [...qty.keys()].sort().map((sku) => ({ sku, qty: qty.get(sku)! }));
}

const LINES = `SELECT l.sku, l.qty FROM reservation_lines l WHERE l.reservation_id = $1 ORDER BY l.sku`;

/** The reservation's lines, locking their stock rows in SKU order before any of them is changed. */
async function lockLines(c: pg.PoolClient, reservationId: string): Promise<Line[]> {
  const { rows } = await c.query({
    name: 'wh.lines.lock',
    text: `SELECT l.sku, l.qty FROM reservation_lines l JOIN stock s ON s.sku = l.sku
           WHERE l.reservation_id = $1 ORDER BY l.sku FOR UPDATE OF s`,
    values: [reservationId],
  });
  return rows;
}

const SETTLE: Record<Settled, string> = {
  RELEASED: `WITH r AS (UPDATE reservations SET status = 'RELEASED' WHERE reservation_id = $1)
             UPDATE stock s SET reserved = s.reserved - l.qty, on_hand = s.on_hand + l.qty
             FROM reservation_lines l WHERE l.reservation_id = $1 AND s.sku = l.sku`,
  COMMITTED: `WITH r AS (UPDATE reservations SET status = 'COMMITTED' WHERE reservation_id = $1)
              UPDATE stock s SET reserved = s.reserved - l.qty, sold = s.sold + l.qty
              FROM reservation_lines l WHERE l.reservation_id = $1 AND s.sku = l.sku`,
};

/** Moves a RESERVED reservation's units to on_hand (released) or sold (committed). */
async function settleReserved(c: pg.PoolClient, reservationId: string, to: Settled): Promise<Line[]> {
  const lines = await lockLines(c, reservationId);
  await c.query({ name: `wh.settle.${to}`, text: SETTLE[to], values: [reservationId] });
  return lines;
}

export default implement(Warehouse, { deps: {}, schema }, ({ db }) => {
  async function settle(reservationId: string, to: Settled, ctx: Ctx) {
    return inTx(db, async (c) => {
      const { rows } = await c.query({
        name: 'wh.settle.find',
        text: 'SELECT order_id, status FROM reservations WHERE reservation_id = $1 FOR UPDATE',
        values: [reservationId],
      });
      if (rows.length === 0) throw notFound('UNKNOWN_RESERVATION', `unknown reservation "${reservationId}"`);
      const { order_id: orderId, status } = rows[0];
      let lines: Line[];
      if (status === 'RESERVED') lines = await settleReserved(c, reservationId, to);
      else if (status === to) lines = (await c.query({ name: 'wh.lines', text: LINES, values: [reservationId] })).rows;
      else throw precondition(`RESERVATION_${status}`, `reservation "${reservationId}" is ${status}; it cannot become ${to}`);
      return { reservationId, orderId, status: to, lines };
    }, ctx);
  }

  return {
    async reserve({ orderId, lines }, ctx) {
      const { rows: found } = await db.query({
        name: 'wh.reserve.find',
        text: `SELECT r.reservation_id, r.status,
                 coalesce(json_agg(json_build_object('sku', l.sku, 'qty', l.qty) ORDER BY l.sku)
                          FILTER (WHERE l.sku IS NOT NULL), '[]') AS lines
               FROM reservations r LEFT JOIN reservation_lines l USING (reservation_id)
               WHERE r.order_id = $1 GROUP BY r.reservation_id`,
        values: [orderId],
      }, ctx);
      if (found.length > 0 && found[0].status !== 'RELEASED') {
        return { reservationId: found[0].reservation_id, orderId, status: found[0].status, lines: found[0].lines };
      }
      const reservationId = `res-${orderId.replace(/^ord-/, '')}`;
      return inTx(db, async (c) => {
        let wanted = merge(lines);
        const claimed = await c.query({
          name: 'wh.reserve.claim',
          text: `INSERT INTO reservations (reservation_id, order_id, status) VALUES ($1, $2, 'RESERVED')
                 ON CONFLICT DO NOTHING RETURNING reservation_id`,
          values: [reservationId, orderId],
        });
        if (claimed.rowCount === 0) {
          const { rows } = await c.query({
            name: 'wh.reserve.lock',
            text: 'SELECT reservation_id, status FROM reservations WHERE order_id = $1 FOR UPDATE',
            values: [orderId],
          });
          if (rows.length === 0) throw new ServiceError('ALREADY_EXISTS', 'RESERVATION_ID_TAKEN', `reservation "${reservationId}" belongs to another order than "${orderId}"`);
          const { reservation_id: id, status } = rows[0];
          const stored: Line[] = (await c.query({ name: 'wh.lines', text: LINES, values: [id] })).rows;
          if (status !== 'RELEASED') return { reservationId: id, orderId, status, lines: stored };
          // A checkout retried after a failure it compensated: reserve the same lines again.
          wanted = stored;
          await c.query({ name: 'wh.reserve.again', text: `UPDATE reservations SET status = 'RESERVED' WHERE reservation_id = $1`, values: [reservationId] });
        } else {
          await c.query({
            name: 'wh.reserve.lines',
            text: 'INSERT INTO reservation_lines (reservation_id, sku, qty) SELECT $1, s, q FROM unnest($2::text[], $3::int[]) AS t(s, q)',
            values: [reservationId, wanted.map((l) => l.sku), wanted.map((l) => l.qty)],
          });
        }
        for (const { sku, qty } of wanted) {
          const taken = await c.query({
            name: 'wh.reserve.take',
            text: 'UPDATE stock SET on_hand = on_hand - $2, reserved = reserved + $2 WHERE sku = $1 AND on_hand >= $2',
            values: [sku, qty],
          });
          if (taken.rowCount === 1) continue;
          const known = await c.query({ name: 'wh.sku.known', text: 'SELECT 1 FROM stock WHERE sku = $1', values: [sku] });
          if (known.rowCount === 0) throw notFound('UNKNOWN_SKU', `unknown SKU "${sku}"`);
          throw precondition('OUT_OF_STOCK', `SKU "${sku}": fewer than ${qty} units on hand`);
        }
        return { reservationId, orderId, status: 'RESERVED', lines: wanted };
      }, ctx);
    },

    release: ({ reservationId }, ctx) => settle(reservationId, 'RELEASED', ctx),

    async releaseOrder({ orderId }, ctx) {
      const { rows } = await db.query({ name: 'wh.releaseOrder.find', text: 'SELECT reservation_id FROM reservations WHERE order_id = $1', values: [orderId] }, ctx);
      if (rows.length === 0) return { reservationId: '', orderId, status: 'NONE', lines: [] };
      return settle(rows[0].reservation_id, 'RELEASED', ctx);
    },

    // Locks the reservations in id order, then their stock rows in SKU order (as every other writer
    // does), then moves all their units to sold in one statement.
    async commitMany({ reservationIds }, ctx) {
      return inTx(db, async (c) => {
        const { rows } = await c.query({
          name: 'wh.commitMany.lock',
          text: 'SELECT reservation_id, status FROM reservations WHERE reservation_id = ANY($1::text[]) ORDER BY reservation_id FOR UPDATE',
          values: [reservationIds],
        });
        const status = new Map<string, string>(rows.map((r) => [r.reservation_id, r.status]));
        const open = rows.filter((r) => r.status === 'RESERVED').map((r) => r.reservation_id as string);
        if (open.length > 0) {
          await c.query({
            name: 'wh.commitMany.stock',
            text: `SELECT s.sku FROM stock s WHERE s.sku IN (SELECT sku FROM reservation_lines WHERE reservation_id = ANY($1::text[]))
                   ORDER BY s.sku FOR UPDATE OF s`,
            values: [open],
          });
          await c.query({
            name: 'wh.commitMany.settle',
            text: `WITH r AS (UPDATE reservations SET status = 'COMMITTED' WHERE reservation_id = ANY($1::text[]))
                   UPDATE stock s SET reserved = s.reserved - l.qty, sold = s.sold + l.qty
                   FROM (SELECT sku, sum(qty)::int AS qty FROM reservation_lines WHERE reservation_id = ANY($1::text[]) GROUP BY sku) l
                   WHERE s.sku = l.sku`,
            values: [open],
          });
        }
        const committed: string[] = [];
        const failed: { reservationId: string; reason: string; message: string }[] = [];
        for (const id of new Set(reservationIds)) {
          const s = status.get(id);
          if (s === 'RESERVED' || s === 'COMMITTED') committed.push(id);
          else if (s === undefined) failed.push({ reservationId: id, reason: 'UNKNOWN_RESERVATION', message: `unknown reservation "${id}"` });
          else failed.push({ reservationId: id, reason: `RESERVATION_${s}`, message: `reservation "${id}" is ${s}; it cannot become COMMITTED` });
        }
        return { committed, failed };
      }, ctx);
    },

    async restock({ returnId, orderId, lines }, ctx) {
      const wanted = merge(lines);
      const units = wanted.reduce((n, l) => n + l.qty, 0);
      return inTx(db, async (c) => {
        const claimed = await c.query({
          name: 'wh.restock.claim',
          text: 'INSERT INTO restocks (return_id, order_id, units) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          values: [returnId, orderId, units],
        });
        if (claimed.rowCount === 0) {
          const { rows } = await c.query({ name: 'wh.restock.find', text: 'SELECT units FROM restocks WHERE return_id = $1', values: [returnId] });
          return { returnId, restockedUnits: rows[0].units };
        }
        const { rows } = await c.query({
          name: 'wh.restock.reservation',
          text: 'SELECT reservation_id, status FROM reservations WHERE order_id = $1 FOR UPDATE',
          values: [orderId],
        });
        if (rows.length === 0) throw notFound('UNKNOWN_RESERVATION', `no reservation for order "${orderId}"`);
        const { reservation_id: reservationId, status } = rows[0];
        if (status === 'RELEASED') throw precondition('NOT_SOLD', `order "${orderId}" was never sold: its reservation was released`);
        // Fulfillment commits asynchronously and may not have run yet; its later commit is then a no-op.
        const sold = status === 'RESERVED' ? await settleReserved(c, reservationId, 'COMMITTED') : await lockLines(c, reservationId);
        const soldQty = new Map(sold.map((l) => [l.sku, l.qty]));
        for (const { sku, qty } of wanted) {
          if (qty > (soldQty.get(sku) ?? 0)) throw precondition('NOT_SOLD', `SKU "${sku}": order "${orderId}" sold fewer than ${qty} units`);
          const back = await c.query({
            name: 'wh.restock.put',
            text: 'UPDATE stock SET sold = sold - $2, on_hand = on_hand + $2 WHERE sku = $1 AND sold >= $2',
            values: [sku, qty],
          });
          if (back.rowCount === 0) throw precondition('NOT_SOLD', `SKU "${sku}": fewer than ${qty} units sold`);
        }
        return { returnId, restockedUnits: units };
      }, ctx);
    },

    async availability({ skus }, ctx) {
      const { rows } = await db.query({
        name: 'wh.availability',
        text: 'SELECT sku, on_hand FROM stock WHERE sku = ANY($1::text[])',
        values: [skus],
      }, ctx);
      const onHand = new Map<string, number>(rows.map((r) => [r.sku, r.on_hand]));
      return { items: skus.map((sku) => ({ sku, available: onHand.get(sku) ?? 0 })) };
    },
  };
});
