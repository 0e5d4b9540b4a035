import { createHash } from 'node:crypto';
import { Order } from '../../../contracts/commerce/order.js';
import { Payment } from '../../../contracts/commerce/payment.js';
import { Warehouse } from '../../../contracts/logistics/warehouse.js';
import { Return } from '../../../contracts/postpurchase/return.js';
import { notFound, precondition } from '../../../kit/errors.js';
import type { Ctx } from '../../../kit/ctx.js';
import { implement, type ServiceDb } from '../../../kit/implement.js';
import * as schema from './schema.js';

// Another customer's order is reported as unknown: the answer must not reveal that it exists.
const unknownOrder = (orderId: string) => notFound('UNKNOWN_ORDER', `unknown order "${orderId}"`);

/** A return recorded before: its own key replays the answer, any other key is refused. */
async function recorded(db: ServiceDb, customerId: string, orderId: string, idempotencyKey: string, ctx: Ctx) {
  const { rows } = await db.query({
    name: 'return.find',
    text: 'SELECT return_id, customer_id, idempotency_key, status, refund_cents, restocked_units FROM returns WHERE order_id = $1',
    values: [orderId],
  }, ctx);
  if (rows.length === 0) return undefined;
  const r = rows[0];
  if (r.customer_id !== customerId) throw unknownOrder(orderId);
  if (r.idempotency_key !== idempotencyKey) throw precondition('ALREADY_RETURNED', `order "${orderId}" has already been returned`);
  return { returnId: r.return_id, orderId, status: r.status, refundCents: r.refund_cents, restockedUnits: r.restocked_units };
}

export default implement(Return, { deps: { order: Order, payment: Payment, warehouse: Warehouse }, schema }, ({ deps, db }) => ({
  async create({ customerId, orderId, idempotencyKey }, ctx) {
    const before = await recorded(db, customerId, orderId, idempotencyKey, ctx);
    if (before) return before;
    const returnId = `ret-${createHash('sha256').update(orderId).digest('hex').slice(0, 20)}`;
    const order = await deps.order.get({ orderId }, ctx);
    if (order.customerId !== customerId) throw unknownOrder(orderId);
    // REFUNDED with no return recorded is an earlier attempt of ours that stopped half way: every
    // step below is idempotent, so finishing it is safe.
    if (order.status !== 'PAID' && order.status !== 'REFUNDED') {
      throw precondition('NOT_RETURNABLE', `order "${orderId}" is ${order.status} and cannot be returned`);
    }
    const refund = await deps.payment.refund({ paymentId: order.paymentId, amountCents: order.totalCents, idempotencyKey: `ret-${orderId}` }, ctx);
    const restock = await deps.warehouse.restock({ returnId, orderId, lines: order.lines.map((l) => ({ sku: l.sku, qty: l.qty })) }, ctx);
    await deps.order.markRefunded({ orderId, returnId }, ctx);
    const answer = { returnId, orderId, status: 'REFUNDED', refundCents: refund.amountCents, restockedUnits: restock.restockedUnits };
    const { rowCount } = await db.query({
      name: 'return.insert',
      text: `INSERT INTO returns (return_id, order_id, customer_id, idempotency_key, status, refund_cents, restocked_units)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      values: [returnId, orderId, customerId, idempotencyKey, answer.status, answer.refundCents, answer.restockedUnits],
    }, ctx);
    // A concurrent return of the same order got there first.
    if (rowCount === 0) return (await recorded(db, customerId, orderId, idempotencyKey, ctx))!;
    return answer;
  },
}));
