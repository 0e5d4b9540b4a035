import { Analytics } from '../../../contracts/platform/analytics.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(Analytics, { deps: {}, schema, subscriptions: { 'order.created': 'onOrdersCreated' } }, ({ db }) => ({
  // One statement is one transaction: the dedup rows and the recorded events commit together.
  async onOrdersCreated({ events }) {
    const { rows } = await db.query({
      name: 'analytics.onOrdersCreated',
      text: `WITH input AS (SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS x(id, type, order_id, customer_id, total_cents) ORDER BY id),
                  fresh AS (INSERT INTO processed_events (event_id) SELECT id FROM input ON CONFLICT DO NOTHING RETURNING event_id),
                  effect AS (INSERT INTO events (event_id, type, order_id, customer_id, total_cents)
                             SELECT i.id, i.type, i.order_id, i.customer_id, i.total_cents FROM input i JOIN fresh f ON f.event_id = i.id RETURNING 1)
             SELECT count(*)::int AS processed FROM fresh`,
      values: [events.map((e) => e.eventId), events.map((e) => e.type), events.map((e) => e.orderId), events.map((e) => e.customerId), events.map((e) => e.totalCents)],
    });
    return { processed: rows[0].processed, failed: [] };
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
