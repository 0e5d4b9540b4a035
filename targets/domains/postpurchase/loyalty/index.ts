import { Loyalty } from '../../../contracts/postpurchase/loyalty.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

/** One point per whole currency unit of the order total. */
const pointsFor = (totalCents: number) => Math.max(0, Math.floor(totalCents / 100));

export default implement(Loyalty, { deps: {}, schema, subscriptions: { 'order.created': 'onOrdersCreated' } }, ({ db }) => ({
  // One statement is one transaction: the dedup rows and the points commit together. Points are summed
  // per customer first: one upsert may touch each account only once.
  async onOrdersCreated({ events }) {
    const { rows } = await db.query({
      name: 'loyalty.onOrdersCreated',
      text: `WITH input AS (SELECT DISTINCT ON (id) id, customer_id, points FROM unnest($1::text[], $2::text[], $3::int[]) AS x(id, customer_id, points) ORDER BY id),
                  fresh AS (INSERT INTO processed_events (event_id) SELECT id FROM input ON CONFLICT DO NOTHING RETURNING event_id),
                  effect AS (INSERT INTO accounts (customer_id, points)
                             SELECT i.customer_id, sum(i.points)::int FROM input i JOIN fresh f ON f.event_id = i.id GROUP BY i.customer_id ORDER BY i.customer_id
                             ON CONFLICT (customer_id) DO UPDATE SET points = accounts.points + EXCLUDED.points RETURNING 1)
             SELECT count(*)::int AS processed FROM fresh`,
      values: [events.map((e) => e.eventId), events.map((e) => e.customerId), events.map((e) => pointsFor(e.totalCents))],
    });
    return { processed: rows[0].processed, failed: [] };
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
