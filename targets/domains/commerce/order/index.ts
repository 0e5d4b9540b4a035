import { Customer } from '../../../contracts/identity/customer.js';
import { Fulfillment } from '../../../contracts/logistics/fulfillment.js';
import { Order } from '../../../contracts/commerce/order.js';
import { Analytics } from '../../../contracts/platform/analytics.js';
import { Notification } from '../../../contracts/platform/notification.js';
import { Loyalty } from '../../../contracts/postpurchase/loyalty.js';
import { notFound, precondition, ServiceError } from '../../../kit/errors.js';
import type { Ctx } from '../../../kit/ctx.js';
import { implement } from '../../../kit/implement.js';
import { consumersOf, relay, RELAY_IDLE_MS, type EventMsg } from './relay.js';
import * as schema from './schema.js';

const VIEW = `SELECT o.order_id, o.customer_id, o.status, o.currency, o.subtotal_cents, o.discount_cents, o.tax_cents,
                o.shipping_cents, o.total_cents, o.payment_id, o.reservation_id, l.lines
              FROM orders o CROSS JOIN LATERAL (
                SELECT coalesce(json_agg(json_build_object('sku', sku, 'qty', qty, 'unitCents', unit_cents, 'lineCents', line_cents)
                                ORDER BY line_no), '[]'::json) AS lines
                FROM order_lines WHERE order_id = o.order_id) l`;

const toView = (r: Record<string, any>) => ({
  orderId: r.order_id, customerId: r.customer_id, status: r.status, currency: r.currency,
  subtotalCents: r.subtotal_cents, discountCents: r.discount_cents, taxCents: r.tax_cents,
  shippingCents: r.shipping_cents, totalCents: r.total_cents, paymentId: r.payment_id,
  reservationId: r.reservation_id, lines: r.lines,
});

// Fate, order row, lines and both outbox events in one statement: one transaction, one round trip.
// Everything hangs off the fate insert, so a repeated orderId, or one abandoned, writes nothing at all.
const CREATE = `WITH f AS (
    INSERT INTO order_fates (order_id, fate) VALUES ($1, 'PLACED') ON CONFLICT DO NOTHING RETURNING order_id),
  o AS (
    INSERT INTO orders (order_id, customer_id, status, currency, subtotal_cents, discount_cents, tax_cents,
                        shipping_cents, total_cents, payment_id, reservation_id, zone, weight_grams)
    SELECT f.order_id, $2::text, 'PAID', $3::text, $4::int, $5::int, $6::int, $7::int, $8::int, $9::text, $10::text, $11::text, $12::int FROM f
    ON CONFLICT DO NOTHING RETURNING order_id),
  l AS (
    INSERT INTO order_lines (order_id, line_no, sku, qty, unit_cents, line_cents)
    SELECT o.order_id, x.n, x.s, x.q, x.u, x.t
    FROM o, unnest($13::text[], $14::int[], $15::int[], $16::int[]) WITH ORDINALITY AS x(s, q, u, t, n)),
  e AS (
    INSERT INTO outbox (event_id, type, payload)
    SELECT x.id, x.type, x.payload FROM o, unnest($17::text[], $18::text[], $19::jsonb[]) WITH ORDINALITY AS x(id, type, payload, n)
    ORDER BY x.n)
  SELECT count(*)::int AS created FROM o`;

/** Every subscriber of an order event: the relay calls each through its contract. */
const DEPS = { notification: Notification, analytics: Analytics, loyalty: Loyalty, customer: Customer, fulfillment: Fulfillment };

export default implement(
  Order,
  { deps: DEPS, schema },
  ({ deps, db, loop, ownDb, subscribers }) => {
    async function get(orderId: string, ctx: Ctx) {
      const { rows } = await db.query({ name: 'order.get', text: `${VIEW} WHERE o.order_id = $1`, values: [orderId] }, ctx);
      if (rows.length === 0) throw notFound('UNKNOWN_ORDER', `unknown order "${orderId}"`);
      return toView(rows[0]);
    }

    // The relay's own connection: request traffic on the service's pool can never starve it.
    loop('outbox-relay', RELAY_IDLE_MS, relay(ownDb(2), consumersOf(subscribers, DEPS, deps)));

    return {
      async create(input, ctx) {
        const event = (type: string, suffix: string): EventMsg => ({
          eventId: `${input.orderId}:${suffix}`, type, orderId: input.orderId, customerId: input.customerId,
          totalCents: input.totalCents, reservationId: input.reservationId, zone: input.zone, weightGrams: input.weightGrams,
        });
        const events = [event('order.created', 'created'), event('order.paid', 'paid')];
        const { rows } = await db.query({
          name: 'order.create',
          text: CREATE,
          values: [
            input.orderId, input.customerId, input.currency, input.subtotalCents, input.discountCents, input.taxCents,
            input.shippingCents, input.totalCents, input.paymentId, input.reservationId, input.zone, input.weightGrams,
            input.lines.map((l) => l.sku), input.lines.map((l) => l.qty), input.lines.map((l) => l.unitCents), input.lines.map((l) => l.lineCents),
            events.map((e) => e.eventId), events.map((e) => e.type), events.map((e) => JSON.stringify(e)),
          ],
        }, ctx);
        if (rows[0].created === 0) {
          return get(input.orderId, ctx).catch((err) => {
            if (!(err instanceof ServiceError && err.reason === 'UNKNOWN_ORDER')) throw err;
            throw precondition('ORDER_ABANDONED', `order "${input.orderId}" was abandoned by its checkout and cannot be created`);
          });
        }
        return {
          orderId: input.orderId, customerId: input.customerId, status: 'PAID', currency: input.currency,
          subtotalCents: input.subtotalCents, discountCents: input.discountCents, taxCents: input.taxCents,
          shippingCents: input.shippingCents, totalCents: input.totalCents, paymentId: input.paymentId,
          reservationId: input.reservationId,
          lines: input.lines.map((l) => ({ sku: l.sku, qty: l.qty, unitCents: l.unitCents, lineCents: l.lineCents })),
        };
      },

      async abandon({ orderId }, ctx) {
        const claimed = await db.query({
          name: 'order.abandon',
          text: `INSERT INTO order_fates (order_id, fate) VALUES ($1, 'ABANDONED') ON CONFLICT DO NOTHING RETURNING fate`,
          values: [orderId],
        }, ctx);
        if (claimed.rows.length === 1) return { orderId, fate: 'ABANDONED' };
        // Settled before: a statement of its own, so it sees a fate committed while the insert waited on it.
        const { rows } = await db.query({ name: 'order.fate', text: 'SELECT fate FROM order_fates WHERE order_id = $1', values: [orderId] }, ctx);
        return { orderId, fate: rows[0].fate };
      },

      get: ({ orderId }, ctx) => get(orderId, ctx),

      async list({ customerId, limit }, ctx) {
        const { rows } = await db.query({
          name: 'order.list',
          text: `${VIEW} WHERE o.customer_id = $1 ORDER BY o.created_seq DESC LIMIT $2`,
          values: [customerId, limit],
        }, ctx);
        return { orders: rows.map(toView) };
      },

      async markRefunded({ orderId }, ctx) {
        const { rowCount } = await db.query({
          name: 'order.refunded',
          text: `UPDATE orders SET status = 'REFUNDED' WHERE order_id = $1`,
          values: [orderId],
        }, ctx);
        if (rowCount === 0) throw notFound('UNKNOWN_ORDER', `unknown order "${orderId}"`);
        return get(orderId, ctx);
      },
    };
  },
);
