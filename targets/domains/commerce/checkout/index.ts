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
import { detached, type Ctx } from '../../../kit/ctx.js';
import { invalid, precondition, ServiceError, TransportError, type Code } from '../../../kit/errors.js';
import { implement, type ServiceDb } from '../../../kit/implement.js';
import { shape } from '../../../kit/schema.js';
import * as schema from './schema.js';

const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');
const INT32_MAX = 2_147_483_647;

/** Errors that are the answer to this request: a retry with the same key gets them again. */
const BUSINESS: ReadonlySet<Code> = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'FAILED_PRECONDITION', 'PERMISSION_DENIED']);
const isBusiness = (err: unknown): err is ServiceError =>
  err instanceof ServiceError && !(err instanceof TransportError) && BUSINESS.has(err.code);

const Response = Checkout.methods.confirm.output;

export default implement(
  Checkout,
  {
    deps: {
      catalog: Catalog, pricing: Pricing, promotion: Promotion, location: Location, shipping: Shipping,
      warehouse: Warehouse, payment: Payment, order: Order,
    },
    schema,
  },
  ({ deps, db }) => {
    /** A compensation must run even when the request's own deadline is already gone. */
    async function releaseQuietly(reservationId: string, ctx: Ctx) {
      await deps.warehouse.release({ reservationId }, detached(ctx, 2000)).catch((err: Error) => {
        console.error(`checkout: releasing ${reservationId} failed: ${err.message}`);
      });
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
        let reservationId = '';
        let authorized = false;
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

          const reservation = await deps.warehouse.reserve({ orderId, lines: req.lines }, ctx);
          reservationId = reservation.reservationId;
          const payment = await deps.payment.authorize({
            orderId, customerId, amountCents: totalCents, currency: quote.currency, paymentToken: req.paymentToken, idempotencyKey: `chk-${orderId}`,
          }, ctx);
          if (payment.status !== 'AUTHORIZED') {
            await deps.warehouse.release({ reservationId }, ctx);
            reservationId = '';
            throw precondition('PAYMENT_DECLINED', `payment for order "${orderId}" was declined: ${payment.declineReason}`);
          }
          authorized = true;

          const order = await deps.order.create({
            orderId, customerId, reservationId, paymentId: payment.paymentId, currency: quote.currency,
            subtotalCents: quote.subtotalCents, discountCents: promo.discountCents, taxCents: quote.taxCents,
            shippingCents, totalCents, zone, weightGrams, lines: quote.lines,
          }, ctx);
          const response = {
            orderId, status: order.status, currency: order.currency, subtotalCents: order.subtotalCents,
            discountCents: order.discountCents, taxCents: order.taxCents, shippingCents: order.shippingCents,
            totalCents: order.totalCents, lines: order.lines,
          };
          await db.query({
            name: 'checkout.done',
            text: `UPDATE attempts SET status = 'DONE', response = $3 WHERE customer_id = $1 AND idempotency_key = $2`,
            values: [customerId, idempotencyKey, JSON.stringify(response)],
          }, ctx);
          return response;
        } catch (err) {
          if (reservationId && !authorized) await releaseQuietly(reservationId, ctx);
          // A business error is this key's answer; anything else may pass on retry, which is safe
          // because every step is idempotent by the ids derived from the key.
          // Settling runs even when the request's deadline is what failed it (its own short deadline,
          // like releaseQuietly): an attempt left PENDING would block every retry with the same key.
          const settling = detached(ctx, 2000);
          const settle = isBusiness(err)
            ? db.query({
              name: 'checkout.failed',
              text: `UPDATE attempts SET status = 'FAILED', error = $3 WHERE customer_id = $1 AND idempotency_key = $2`,
              values: [customerId, idempotencyKey, JSON.stringify({ code: err.code, reason: err.reason, message: err.message })],
            }, settling)
            : db.query({
              name: 'checkout.forget',
              text: 'DELETE FROM attempts WHERE customer_id = $1 AND idempotency_key = $2',
              values: [customerId, idempotencyKey],
            }, settling);
          await settle.catch((e: Error) => console.error(`checkout: settling attempt ${customerId}/${idempotencyKey} failed: ${e.message}`));
          throw err;
        }
      },
    };
  },
);

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
