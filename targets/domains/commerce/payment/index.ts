import { createHash } from 'node:crypto';
import { Payment } from '../../../contracts/commerce/payment.js';
import { PAYMENT_DECLINED, PAYMENT_OK } from '../../../db/seed-data.js';
import { notFound, precondition } from '../../../kit/errors.js';
import type { Ctx } from '../../../kit/ctx.js';
import { implement, type ServiceDb } from '../../../kit/implement.js';
import { inTx } from '../../../db/pools.js';
import * as schema from './schema.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Deterministic stand-in for a risk model: the same customer and amount always score the same. */
const fraudScore = (customerId: string, amountCents: number) => sha256(`${customerId}:${amountCents}`).readUInt32BE(0) % 100;

function decide(paymentToken: string, score: number): { status: string; declineReason: string } {
  if (paymentToken === PAYMENT_OK) return { status: 'AUTHORIZED', declineReason: '' };
  if (paymentToken === PAYMENT_DECLINED) return { status: 'DECLINED', declineReason: 'card_declined' };
  return score >= 98 ? { status: 'DECLINED', declineReason: 'fraud_suspected' } : { status: 'AUTHORIZED', declineReason: '' };
}

const answer = (r: { payment_id: string; status: string; fraud_score: number; decline_reason: string }) =>
  ({ paymentId: r.payment_id, status: r.status, fraudScore: r.fraud_score, declineReason: r.decline_reason });

const refundAnswer = (r: { refund_id: string; payment_id: string; amount_cents: number }) =>
  ({ refundId: r.refund_id, paymentId: r.payment_id, status: 'REFUNDED', amountCents: r.amount_cents });

export default implement(Payment, { deps: {}, schema }, ({ db }) => ({
  async authorize({ orderId, customerId, amountCents, currency, paymentToken, idempotencyKey }, ctx) {
    const paymentId = `pay-${sha256(idempotencyKey).toString('hex').slice(0, 20)}`;
    const score = fraudScore(customerId, amountCents);
    const { status, declineReason } = decide(paymentToken, score);
    const { rows } = await db.query({
      name: 'payment.authorize',
      text: `INSERT INTO payments (payment_id, order_id, customer_id, amount_cents, currency, status, fraud_score, decline_reason, idempotency_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING
             RETURNING payment_id, status, fraud_score, decline_reason`,
      values: [paymentId, orderId, customerId, amountCents, currency, status, score, declineReason, idempotencyKey],
    }, ctx);
    // A repeated key keeps its first answer, whatever the retry carries.
    return rows.length === 1 ? answer(rows[0]) : answer(await storedPayment(db, idempotencyKey, ctx));
  },

  async void({ idempotencyKey }, ctx) {
    const { rows } = await db.query({
      name: 'payment.void',
      text: `WITH v AS (UPDATE payments SET status = 'VOIDED' WHERE idempotency_key = $1 AND status = 'AUTHORIZED'
                        AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = payments.payment_id) RETURNING payment_id, status)
             SELECT payment_id, status FROM v
             UNION ALL SELECT payment_id, status FROM payments WHERE idempotency_key = $1 AND NOT EXISTS (SELECT 1 FROM v)`,
      values: [idempotencyKey],
    }, ctx);
    if (rows.length === 0) return { paymentId: '', status: 'NONE' };
    const { payment_id: paymentId, status } = rows[0];
    // Money already handed back cannot be voided; the refund settles it.
    if (status === 'AUTHORIZED') throw precondition('PAYMENT_REFUNDED', `payment "${paymentId}" has refunds; it cannot be voided`);
    return { paymentId, status };
  },

  async refund({ paymentId, amountCents, idempotencyKey }, ctx) {
    const refundId = `rfd-${sha256(idempotencyKey).toString('hex').slice(0, 20)}`;
    return inTx(db, async (c) => {
      // The payment row lock serialises refunds of one payment, so their sum is checked against a settled total.
      const pay = await c.query({
        name: 'payment.refund.lock',
        text: 'SELECT status, amount_cents FROM payments WHERE payment_id = $1 FOR UPDATE',
        values: [paymentId],
      });
      const prior = await c.query({
        name: 'payment.refund.find',
        text: 'SELECT refund_id, payment_id, amount_cents FROM refunds WHERE idempotency_key = $1',
        values: [idempotencyKey],
      });
      let out;
      if (prior.rows.length === 1) out = refundAnswer(prior.rows[0]);
      else {
        if (pay.rows.length === 0) throw notFound('UNKNOWN_PAYMENT', `unknown payment "${paymentId}"`);
        const { status, amount_cents: paid } = pay.rows[0];
        if (status !== 'AUTHORIZED') throw precondition('PAYMENT_NOT_AUTHORIZED', `payment "${paymentId}" was ${status}; there is nothing to refund`);
        const { rows } = await c.query({
          name: 'payment.refund.sum',
          text: 'SELECT coalesce(sum(amount_cents), 0)::int AS refunded FROM refunds WHERE payment_id = $1',
          values: [paymentId],
        });
        if (rows[0].refunded + amountCents > paid) {
          throw precondition('REFUND_EXCEEDS_PAYMENT', `refund of ${amountCents} on payment "${paymentId}" exceeds what is left (${paid - rows[0].refunded} of ${paid})`);
        }
        await c.query({
          name: 'payment.refund.insert',
          text: 'INSERT INTO refunds (refund_id, payment_id, amount_cents, idempotency_key) VALUES ($1, $2, $3, $4)',
          values: [refundId, paymentId, amountCents, idempotencyKey],
        });
        out = refundAnswer({ refund_id: refundId, payment_id: paymentId, amount_cents: amountCents });
      }
      return out;
    }, ctx);
  },
}));

/** The answer stored for a key seen before. */
async function storedPayment(db: ServiceDb, idempotencyKey: string, ctx: Ctx) {
  const { rows } = await db.query({
    name: 'payment.find',
    text: 'SELECT payment_id, status, fraud_score, decline_reason FROM payments WHERE idempotency_key = $1',
    values: [idempotencyKey],
  }, ctx);
  return rows[0];
}
