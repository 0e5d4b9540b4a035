import { createHash } from 'node:crypto';
import { Order } from '../../../contracts/commerce/order.js';
import { Payment } from '../../../contracts/commerce/payment.js';
import { Warehouse } from '../../../contracts/logistics/warehouse.js';
import { Return } from '../../../contracts/postpurchase/return.js';
import { newCtx, raceDeadline, type Ctx } from '../../../kit/ctx.js';
import { isBusiness, notFound, precondition, ServiceError } from '../../../kit/errors.js';
import { implement, type ServiceDb } from '../../../kit/implement.js';
import { persist, type PersistPolicy } from '../../../kit/retry.js';
import * as schema from './schema.js';

/** Past the refund (the pivot): each step on its own deadline, retried for about 15 s; recovery takes up what is left. */
const FORWARD: PersistPolicy = { attempts: 5, attemptMs: 2_000, backoffMs: 200 };
const RECOVERY_INTERVAL_MS = 5_000;

// Another customer's order is reported as unknown: the answer must not reveal that it exists.
const unknownOrder = (orderId: string) => notFound('UNKNOWN_ORDER', `unknown order "${orderId}"`);

/** A return claimed before its refund: what finishing it needs. */
interface Claim { returnId: string; orderId: string; customerId: string; idempotencyKey: string; }
type Answer = { returnId: string; orderId: string; status: string; refundCents: number; restockedUnits: number };
type Outcome = { answer: Answer } | { error: ServiceError };

/** A return recorded before: its own key replays the answer (or says it is still being finished), any other key is refused. */
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
  if (r.status === 'PENDING') throw new ServiceError('ABORTED', 'RETURN_IN_PROGRESS', `the return of order "${orderId}" is being completed; retry with the same key shortly`);
  return { returnId: r.return_id, orderId, status: r.status, refundCents: r.refund_cents, restockedUnits: r.restocked_units };
}

export default implement(Return, { deps: { order: Order, payment: Payment, warehouse: Warehouse }, schema }, ({ deps, db, loop, onStart }) => {
  /** Returns whose saga runs in this process now: recovery leaves them alone. */
  const inFlight = new Set<string>();

  /**
   * From the claim on, detached from the caller: refund (the pivot, keyed), restock, mark the order
   * refunded, record the answer. Never throws. A refund refused as a business answer forgets the claim;
   * any other failure leaves it PENDING for recovery (every step is idempotent).
   */
  async function finish(c: Claim, ctx: Ctx): Promise<Outcome> {
    inFlight.add(c.orderId);
    try {
      const order = await persist(ctx, FORWARD, isBusiness, (x) => deps.order.get({ orderId: c.orderId }, x));
      let refund;
      try {
        refund = await persist(ctx, FORWARD, isBusiness, (x) => deps.payment.refund({ paymentId: order.paymentId, amountCents: order.totalCents, idempotencyKey: `ret-${c.orderId}` }, x));
      } catch (err) {
        if (!isBusiness(err)) throw err;
        await persist(ctx, FORWARD, () => false, (x) => db.query({ name: 'return.forget', text: `DELETE FROM returns WHERE return_id = $1 AND status = 'PENDING'`, values: [c.returnId] }, x));
        return { error: err as ServiceError };
      }
      const restock = await persist(ctx, FORWARD, isBusiness, (x) => deps.warehouse.restock({ returnId: c.returnId, orderId: c.orderId, lines: order.lines.map((l) => ({ sku: l.sku, qty: l.qty })) }, x));
      await persist(ctx, FORWARD, isBusiness, (x) => deps.order.markRefunded({ orderId: c.orderId, returnId: c.returnId }, x));
      const answer = { returnId: c.returnId, orderId: c.orderId, status: 'REFUNDED', refundCents: refund.amountCents, restockedUnits: restock.restockedUnits };
      await persist(ctx, FORWARD, () => false, (x) => db.query({
        name: 'return.done',
        text: `UPDATE returns SET status = 'REFUNDED', refund_cents = $2, restocked_units = $3 WHERE return_id = $1`,
        values: [c.returnId, answer.refundCents, answer.restockedUnits],
      }, x));
      return { answer };
    } catch (err) {
      console.error(`return: ${c.returnId} left PENDING for recovery: ${(err as Error).message}`);
      return { error: new ServiceError('ABORTED', 'RETURN_IN_PROGRESS', `the return of order "${c.orderId}" is being completed; retry with the same key shortly`) };
    } finally {
      inFlight.delete(c.orderId);
    }
  }

  /** Finishes every return left PENDING that no saga of this process is working on. */
  async function recover() {
    const { rows } = await db.query({
      name: 'return.unfinished',
      text: `SELECT return_id, order_id, customer_id, idempotency_key FROM returns WHERE status = 'PENDING'`,
      values: [],
    }, newCtx('return-recovery', FORWARD.attemptMs, 'return'));
    const left: Claim[] = rows.filter((r) => !inFlight.has(r.order_id))
      .map((r) => ({ returnId: r.return_id, orderId: r.order_id, customerId: r.customer_id, idempotencyKey: r.idempotency_key }));
    await Promise.all(left.map((c) => finish(c, newCtx(`return-recovery-${c.orderId}`, FORWARD.attemptMs, 'return'))));
    return left.length;
  }
  onStart('saga-recovery', recover);
  loop('saga-recovery', RECOVERY_INTERVAL_MS, recover);

  return {
    async create({ customerId, orderId, idempotencyKey }, ctx) {
      const before = await recorded(db, customerId, orderId, idempotencyKey, ctx);
      if (before) return before;
      const returnId = `ret-${createHash('sha256').update(orderId).digest('hex').slice(0, 20)}`;
      const order = await deps.order.get({ orderId }, ctx);
      if (order.customerId !== customerId) throw unknownOrder(orderId);
      // REFUNDED with no return recorded is an earlier attempt of ours that stopped half way: every
      // step is idempotent, so finishing it is safe.
      if (order.status !== 'PAID' && order.status !== 'REFUNDED') {
        throw precondition('NOT_RETURNABLE', `order "${orderId}" is ${order.status} and cannot be returned`);
      }
      // The claim comes before the refund: from here on the return is finished by someone, whatever
      // becomes of this caller or process.
      const { rowCount } = await db.query({
        name: 'return.claim',
        text: `INSERT INTO returns (return_id, order_id, customer_id, idempotency_key, status, refund_cents, restocked_units)
               VALUES ($1, $2, $3, $4, 'PENDING', 0, 0) ON CONFLICT DO NOTHING`,
        values: [returnId, orderId, customerId, idempotencyKey],
      }, ctx);
      // A concurrent return of the same order got there first.
      if (rowCount === 0) return (await recorded(db, customerId, orderId, idempotencyKey, ctx))!;
      const outcome = await raceDeadline(finish({ returnId, orderId, customerId, idempotencyKey }, ctx), ctx, () => ({ error: new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', 'deadline exceeded while the return was being completed; it completes without its caller') }));
      if ('error' in outcome) throw outcome.error;
      return outcome.answer;
    },
  };
});
