import { Loyalty } from '../../../contracts/postpurchase/loyalty.js';
import { implement } from '../../../kit/implement.js';

/** One point per whole currency unit of the order total. */
const pointsFor = (totalCents: number) => Math.max(0, Math.floor(totalCents / 100));

export default implement(Loyalty, { deps: {} }, ({ db }) => ({
  // One statement is one transaction: the dedup row and the points commit together, in one round trip.
  async onOrderCreated(event) {
    const { rows } = await db.query({
      name: 'loyalty.onOrderCreated',
      text: `WITH fresh AS (INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id),
                  effect AS (INSERT INTO accounts (customer_id, points) SELECT $2, $3 FROM fresh
                             ON CONFLICT (customer_id) DO UPDATE SET points = accounts.points + EXCLUDED.points RETURNING 1)
             SELECT count(*)::int AS processed FROM fresh`,
      values: [event.eventId, event.customerId, pointsFor(event.totalCents)],
    });
    return { eventId: event.eventId, processed: rows[0].processed };
  },

  async balance({ customerId }, ctx) {
    const { rows } = await db.query({
      name: 'loyalty.balance',
      text: 'SELECT points FROM accounts WHERE customer_id = $1',
      values: [customerId],
    }, ctx);
    return { customerId, points: rows.length > 0 ? rows[0].points : 0 };
  },
}));
