import { Notification } from '../../../contracts/platform/notification.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(Notification, { deps: {}, schema, subscriptions: { 'order.created': 'onOrdersCreated' } }, ({ db }) => ({
  // One statement is one transaction: the dedup rows and the queued messages commit together.
  async onOrdersCreated({ events }) {
    const { rows } = await db.query({
      name: 'notification.onOrdersCreated',
      text: `WITH input AS (SELECT DISTINCT ON (id) id, customer_id, body FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, customer_id, body) ORDER BY id),
                  fresh AS (INSERT INTO processed_events (event_id) SELECT id FROM input ON CONFLICT DO NOTHING RETURNING event_id),
                  effect AS (INSERT INTO messages (message_id, event_id, customer_id, channel, body, status)
                             SELECT 'msg-' || i.id, i.id, i.customer_id, 'email', i.body, 'QUEUED' FROM input i JOIN fresh f ON f.event_id = i.id RETURNING 1)
             SELECT count(*)::int AS processed FROM fresh`,
      values: [events.map((e) => e.eventId), events.map((e) => e.customerId), events.map((e) => `order ${e.orderId} confirmed`)],
    });
    return { processed: rows[0].processed, failed: [] };
  },
}));
