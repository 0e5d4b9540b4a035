import { Analytics } from '../../../contracts/platform/analytics.js';
import { implement } from '../../../kit/implement.js';

export default implement(Analytics, { deps: {} }, ({ db }) => ({
  // One statement is one transaction: the dedup row and the recorded event commit together.
  async onOrderCreated(event) {
    const { rows } = await db.query({
      name: 'analytics.onOrderCreated',
      text: `WITH fresh AS (INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id),
                  effect AS (INSERT INTO events (event_id, type, order_id, customer_id, total_cents)
                             SELECT event_id, $2, $3, $4, $5 FROM fresh RETURNING 1)
             SELECT count(*)::int AS processed FROM fresh`,
      values: [event.eventId, event.type, event.orderId, event.customerId, event.totalCents],
    });
    return { eventId: event.eventId, processed: rows[0].processed };
  },

  // revenueCents is int32 on the wire: a long run can pass 2^31 cents, so the sum saturates there
  // rather than failing the call.
  async summary(_input, ctx) {
    const { rows } = await db.query({
      name: 'analytics.summary',
      text: 'SELECT count(*)::int AS orders, least(coalesce(sum(total_cents), 0), 2147483647)::int AS revenue FROM events',
    }, ctx);
    return { orders: rows[0].orders, revenueCents: rows[0].revenue };
  },
}));
