import { Notification } from '../../../contracts/platform/notification.js';
import { implement } from '../../../kit/implement.js';

export default implement(Notification, { deps: {} }, ({ db }) => ({
  // One statement is one transaction: the dedup row and the queued message commit together.
  async onOrderCreated(event) {
    const { rows } = await db.query({
      name: 'notification.onOrderCreated',
      text: `WITH fresh AS (INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id),
                  effect AS (INSERT INTO messages (message_id, event_id, customer_id, channel, body, status)
                             SELECT 'msg-' || event_id, event_id, $2, 'email', $3, 'QUEUED' FROM fresh RETURNING 1)
             SELECT count(*)::int AS processed FROM fresh`,
      values: [event.eventId, event.customerId, `order ${event.orderId} confirmed`],
    });
    return { eventId: event.eventId, processed: rows[0].processed };
  },
}));
