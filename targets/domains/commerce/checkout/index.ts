import { createHash } from 'node:crypto';
import { Checkout } from '../../../contracts/commerce/checkout.js';
import { Order } from '../../../contracts/commerce/order.js';
import { Payment } from '../../../contracts/commerce/payment.js';
import { Location } from '../../../contracts/logistics/location.js';
import { Shipping } from '../../../contracts/logistics/shipping.js';
import { Warehouse } from '../../../contracts/logistics/warehouse.js';
import { Catalog } from '../../../contracts/product/catalog.js';
import { Pricing } from '../../../contracts/product/pricing.js';
import { Promotion } from '../../../contracts/product/promotion.js';
import { FX_PPM } from '../../../db/seed-data.js';
import { detached, newCtx, raceDeadline, remainingMs, type Ctx } from '../../../kit/ctx.js';
import { invalid, isBusiness, precondition, ServiceError } from '../../../kit/errors.js';
import type { In, Out } from '../../../kit/contract.js';
import { implement, type ServiceDb } from '../../../kit/implement.js';
import { persist, type PersistPolicy } from '../../../kit/retry.js';
import { shape, type Infer } from '../../../kit/schema.js';
import * as schema from './schema.js';

const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');
const INT32_MAX = 2_147_483_647;

const Response = Checkout.methods.confirm.output;

/** Past the pivot: each step on its own deadline, retried, for about 20 s before the saga compensates. */
const FORWARD: PersistPolicy = { attempts: 5, attemptMs: 3_000, backoffMs: 200 };
/** Compensation and bookkeeping: the same, a little shorter. */
const BACKWARD: PersistPolicy = { attempts: 4, attemptMs: 2_000, backoffMs: 200 };
/** How often attempts left AUTHORIZED (their process died, or the order's fate could not be learned) are taken up again. */
const RECOVERY_INTERVAL_MS = 5_000;

type CreateOrder = In<typeof Order.methods.create>;
type Answer = Infer<typeof Response>;

/** What an attempt records at the pivot: all that finishing it, or undoing it, needs. */
interface Pivot { customerId: string; idempotencyKey: string; paymentKey: string; order: CreateOrder; }

/** How a saga past its pivot ended: the order, or an error (cancelled, or still unfinished). */
type Outcome = { response: Answer } | { error: ServiceError };

const cancelled = (orderId: string, idempotencyKey: string) => new ServiceError('ABORTED', 'CHECKOUT_CANCELLED',
  `checkout with idempotency key "${idempotencyKey}" could not create order "${orderId}" after its payment was authorized: `
  + 'the authorization was voided and the stock released; try again with a new idempotency key');

const unfinished = (idempotencyKey: string) => new ServiceError('ABORTED', 'CHECKOUT_IN_PROGRESS',
  `checkout with idempotency key "${idempotencyKey}" is being completed; retry with the same key shortly`);

const answerOf = (order: Out<typeof Order.methods.get>): Answer => ({
  orderId: order.orderId, status: order.status, currency: order.currency, subtotalCents: order.subtotalCents,
  discountCents: order.discountCents, taxCents: order.taxCents, shippingCents: order.shippingCents,
  totalCents: order.totalCents, lines: order.lines,
});

export default implement(
  Checkout,
  {
    deps: {
      catalog: Catalog, pricing: Pricing, promotion: Promotion, location: Location, shipping: Shipping,
      warehouse: Warehouse, payment: Payment, order: Order,
    },
    schema,
  },
  ({ deps, db, loop, onStart }) => {
    /** Attempts whose saga runs in this process now: recovery leaves them alone. */
    const inFlight = new Set<string>();
    const keyOf = (customerId: string, idempotencyKey: string) => `${customerId}\n${idempotencyKey}`;

    const settle = (p: Pivot, ctx: Ctx, name: string, text: string, values: unknown[]) =>
      persist(ctx, BACKWARD, () => false, (c) => db.query({ name, text, values: [p.customerId, p.idempotencyKey, ...values] }, c));

    /**
     * The saga past its pivot, detached from its caller: the order is created; or, once its fate is known
     * to be abandoned, the authorization is voided and the reservation released. Never throws. When even
     * the order's fate cannot be learned the attempt stays AUTHORIZED and recovery takes it up again.
     */
    async function finish(p: Pivot, ctx: Ctx): Promise<Outcome> {
      const key = keyOf(p.customerId, p.idempotencyKey);
      inFlight.add(key);
      try {
        let order;
        try {
          order = await persist(ctx, FORWARD, isBusiness, (c) => deps.order.create(p.order, c));
        } catch (err) {
          console.error(`checkout: creating order ${p.order.orderId} failed (${(err as Error).message}); abandoning it`);
          const { fate } = await persist(ctx, BACKWARD, isBusiness, (c) => deps.order.abandon({ orderId: p.order.orderId }, c));
          if (fate === 'ABANDONED') return { error: await compensate(p, ctx) };
          order = await persist(ctx, BACKWARD, isBusiness, (c) => deps.order.get({ orderId: p.order.orderId }, c));
        }
        const response = answerOf(order);
        await settle(p, ctx, 'checkout.placed', `UPDATE attempts SET status = 'DONE', stage = 'PLACED', response = $3
                                                 WHERE customer_id = $1 AND idempotency_key = $2`, [JSON.stringify(response)]);
        return { response };
      } catch (err) {
        console.error(`checkout: attempt ${p.customerId}/${p.idempotencyKey} left at AUTHORIZED for recovery: ${(err as Error).message}`);
        return { error: unfinished(p.idempotencyKey) };
      } finally {
        inFlight.delete(key);
      }
    }

    /** The order is abandoned: void the money, give the stock back, record both. */
    async function compensate(p: Pivot, ctx: Ctx): Promise<ServiceError> {
      await persist(ctx, BACKWARD, isBusiness, (c) => deps.payment.void({ idempotencyKey: p.paymentKey }, c));
      await persist(ctx, BACKWARD, isBusiness, (c) => deps.warehouse.release({ reservationId: p.order.reservationId }, c));
      const error = cancelled(p.order.orderId, p.idempotencyKey);
      await settle(p, ctx, 'checkout.voided', `UPDATE attempts SET status = 'FAILED', stage = 'VOIDED', error = $3,
                                                 compensated = ARRAY['ORDER_ABANDONED', 'PAYMENT_VOIDED', 'STOCK_RELEASED']
                                               WHERE customer_id = $1 AND idempotency_key = $2`, [JSON.stringify(error)]);
      return error;
    }

    /** Finishes or voids every attempt left at AUTHORIZED that no saga of this process is working on. */
    async function recover() {
      const { rows } = await db.query({
        name: 'checkout.unfinished',
        text: `SELECT pivot FROM attempts WHERE status = 'PENDING' AND stage = 'AUTHORIZED'`,
        values: [],
      }, newCtx('checkout-recovery', BACKWARD.attemptMs, 'checkout'));
      const left = rows.map((r) => r.pivot as Pivot).filter((p) => !inFlight.has(keyOf(p.customerId, p.idempotencyKey)));
      // Side by side: however many were left, the pass takes about as long as one saga's worst case.
      await Promise.all(left.map((p) => finish(p, newCtx(`checkout-recovery-${p.order.orderId}`, FORWARD.attemptMs, 'checkout'))));
      return left.length;
    }
    // The process may have died past a pivot: finish those sagas before taking new requests, and keep
    // looking for any whose order's fate could not be learned then.
    onStart('saga-recovery', recover);
    loop('saga-recovery', RECOVERY_INTERVAL_MS, recover);

    /**
     * Before the pivot a failure is undone here: the reservation released, and an authorization whose
     * answer stayed lost (asked for again in vain) voided. A lost answer is settled only once the callee
     * is past the request's deadline (it can no longer commit then): the reservation is then found by its
     * order, the authorization by its key. The attempt records the answer (a business error) or is
     * forgotten, so a retry starts afresh; it stays PENDING until then.
     */
    async function undo(req: In<typeof Checkout.methods.confirm>, orderId: string, step: Step, reservationId: string, err: unknown, ctx: Ctx) {
      const { customerId, idempotencyKey } = req;
      const lost = (step === 'reserve' || step === 'authorize') && !isBusiness(err);
      let voided = false;
      try {
        if (lost) await new Promise((r) => setTimeout(r, Math.max(0, remainingMs(ctx)) + LATE_ANSWER_MS));
        if (lost && step === 'authorize') {
          voided = (await persist(ctx, BACKWARD, isBusiness, (c) => deps.payment.void({ idempotencyKey: paymentKeyFor(orderId) }, c))).status === 'VOIDED';
        }
        if (reservationId) await persist(ctx, BACKWARD, isBusiness, (c) => deps.warehouse.release({ reservationId }, c));
        else if (lost) await persist(ctx, BACKWARD, isBusiness, (c) => deps.warehouse.releaseOrder({ orderId }, c));
      } catch (e) {
        console.error(`checkout: undoing ${orderId} failed: ${(e as Error).message}`);
      }
      const after = detached(ctx, BACKWARD.attemptMs);
      // A business error is this key's answer; anything else may pass on retry, which is safe because every
      // step is idempotent by the ids derived from the key. A voided payment burns the key: it says so.
      const answer = voided ? cancelled(orderId, idempotencyKey) : isBusiness(err) ? err : undefined;
      const settling = answer
        ? db.query({
          name: 'checkout.failed',
          text: `UPDATE attempts SET status = 'FAILED', error = $3 WHERE customer_id = $1 AND idempotency_key = $2`,
          values: [customerId, idempotencyKey, JSON.stringify({ code: answer.code, reason: answer.reason, message: answer.message })],
        }, after)
        : db.query({
          name: 'checkout.forget',
          text: 'DELETE FROM attempts WHERE customer_id = $1 AND idempotency_key = $2',
          values: [customerId, idempotencyKey],
        }, after);
      await settling.catch((e: Error) => console.error(`checkout: settling attempt ${customerId}/${idempotencyKey} failed: ${e.message}`));
      return voided ? answer! : err;
    }

    return {
      async confirm(req, ctx) {
        const { customerId, idempotencyKey } = req;
        const requestHash = sha256hex(JSON.stringify([
          req.customerTier, req.country, req.currency, req.lines.map((l) => [l.sku, l.qty]), req.coupon, req.paymentToken,
        ]));
        const claimed = await db.query({
          name: 'checkout.claim',
          text: `INSERT INTO attempts (customer_id, idempotency_key, request_hash, status) VALUES ($1, $2, $3, 'PENDING')
                 ON CONFLICT DO NOTHING`,
          values: [customerId, idempotencyKey, requestHash],
        }, ctx);
        if (claimed.rowCount === 0) return replay(db, customerId, idempotencyKey, requestHash, ctx);

        const orderId = orderIdFor(customerId, idempotencyKey);
        let step: Step = 'quote';
        let reservationId = '';
        let pivot: Pivot;
        try {
          const { products } = await deps.catalog.getProducts({ skus: [...new Set(req.lines.map((l) => l.sku))] }, ctx);
          const weightOf = new Map(products.map((p) => [p.sku, p.weightGrams]));
          const weightGrams = req.lines.reduce((g, l) => g + (weightOf.get(l.sku) ?? 0) * l.qty, 0);
          const quote = await deps.pricing.quote({ lines: req.lines, currency: req.currency, country: req.country }, ctx);
          const promo = await deps.promotion.apply({ coupon: req.coupon, subtotalCents: quote.subtotalCents, customerTier: req.customerTier }, ctx);
          const { zone } = await deps.location.resolve({ country: req.country }, ctx);
          const ship = await deps.shipping.quote({ zone, weightGrams }, ctx);
          // Carriers quote in USD cents; the order is paid in the customer's currency.
          const shippingCents = Math.round((ship.costCents * FX_PPM[quote.currency]) / 1_000_000);
          const totalCents = quote.subtotalCents - promo.discountCents + quote.taxCents + shippingCents;
          if (totalCents > INT32_MAX) throw invalid('ORDER_TOO_LARGE', `order total ${totalCents} exceeds what one payment can carry`);

          step = 'reserve';
          reservationId = (await deps.warehouse.reserve({ orderId, lines: req.lines }, ctx)).reservationId;
          step = 'authorize';
          const paymentKey = paymentKeyFor(orderId);
          const authorization = { orderId, customerId, amountCents: totalCents, currency: quote.currency, paymentToken: req.paymentToken, idempotencyKey: paymentKey };
          // An answer lost on the way is asked for again on deadlines of its own: the key makes it the same
          // authorization, so the customer's order goes on rather than being voided.
          const payment = await deps.payment.authorize(authorization, ctx).catch((err) => {
            if (isBusiness(err)) throw err;
            return persist(ctx, BACKWARD, isBusiness, (c) => deps.payment.authorize(authorization, c));
          });
          if (payment.status !== 'AUTHORIZED') {
            throw precondition('PAYMENT_DECLINED', `payment for order "${orderId}" was declined: ${payment.declineReason}`);
          }
          pivot = {
            customerId, idempotencyKey, paymentKey,
            order: {
              orderId, customerId, reservationId, paymentId: payment.paymentId, currency: quote.currency,
              subtotalCents: quote.subtotalCents, discountCents: promo.discountCents, taxCents: quote.taxCents,
              shippingCents, totalCents, zone, weightGrams, lines: quote.lines,
            },
          };
          step = 'pivot';
          // The pivot: recorded before the order is created, so a process that dies now is finished by recovery.
          await db.query({
            name: 'checkout.pivot',
            text: `UPDATE attempts SET stage = 'AUTHORIZED', pivot = $3 WHERE customer_id = $1 AND idempotency_key = $2`,
            values: [customerId, idempotencyKey, JSON.stringify(pivot)],
          }, detached(ctx, BACKWARD.attemptMs));
        } catch (err) {
          // Recording the pivot failed: the authorization stands with no record of it; void it as a lost answer would be.
          const undone = undo(req, orderId, step === 'pivot' ? 'authorize' : step, reservationId, step === 'pivot' ? unrecorded(err) : err, ctx);
          // The caller waits for the undo no longer than its own deadline.
          throw await raceDeadline(undone, ctx, () => err);
        }

        // Past the pivot the saga runs on its own deadlines; the caller waits for it no longer than its own.
        const outcome = await raceDeadline(finish(pivot, ctx), ctx, () => ({ error: new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', 'deadline exceeded while the order was being created; the checkout completes without its caller') }));
        if ('error' in outcome) throw outcome.error;
        return outcome.response;
      },
    };
  },
);

/** Where confirm stands when something fails: what undo has to give back. */
type Step = 'quote' | 'reserve' | 'authorize' | 'pivot';

/** Not a business answer: the pivot could not be recorded, so the authorization is voided like a lost one. */
const unrecorded = (err: unknown) => new ServiceError('UNAVAILABLE', 'INTERNAL', `recording the checkout's pivot failed: ${(err as Error).message}`);

/** How long past the request's deadline a callee may still commit (its deadline counts from when it received the call). */
const LATE_ANSWER_MS = 250;

const paymentKeyFor = (orderId: string) => `chk-${orderId}`;

/** One order per customer and key, whatever the number of tries: every step below is keyed by it. */
export const orderIdFor = (customerId: string, idempotencyKey: string) => `ord-${sha256hex(`${customerId}:${idempotencyKey}`).slice(0, 20)}`;

/** The key was used before: the same request gets the first answer, a different one is refused. */
async function replay(db: ServiceDb, customerId: string, idempotencyKey: string, requestHash: string, ctx: Ctx) {
  const { rows } = await db.query({
    name: 'checkout.find',
    text: 'SELECT request_hash, status, response, error FROM attempts WHERE customer_id = $1 AND idempotency_key = $2',
    values: [customerId, idempotencyKey],
  }, ctx);
  const attempt = rows[0];
  if (attempt && attempt.request_hash !== requestHash) {
    throw new ServiceError('ALREADY_EXISTS', 'IDEMPOTENCY_KEY_REUSED', `idempotency key "${idempotencyKey}" was used for a different request`);
  }
  if (attempt?.status === 'DONE') return shape(Response, attempt.response);
  if (attempt?.status === 'FAILED') throw new ServiceError(attempt.error.code, attempt.error.reason, attempt.error.message);
  // PENDING, or a failed attempt forgotten a moment ago: the client should retry shortly.
  throw new ServiceError('ABORTED', 'CHECKOUT_IN_PROGRESS', `checkout with idempotency key "${idempotencyKey}" is in progress`);
}
