import { Customer } from '../../../contracts/identity/customer.js';
import { notFound } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';
import { inTx } from '../../../db/pools.js';
import * as schema from './schema.js';

export default implement(Customer, { deps: {}, schema, subscriptions: { 'order.created': 'onOrdersCreated' } }, ({ db }) => ({
  async get({ customerId }, ctx) {
    const { rows } = await db.query({
      name: 'customer.get',
      text: 'SELECT customer_id, user_id, name, tier, country, currency, ltv_cents FROM customers WHERE customer_id = $1',
      values: [customerId],
    }, ctx);
    if (rows.length === 0) throw notFound('UNKNOWN_CUSTOMER', `unknown customer "${customerId}"`);
    const c = rows[0];
    return { customerId: c.customer_id, userId: c.user_id, name: c.name, tier: c.tier, country: c.country, currency: c.currency, ltvCents: c.ltv_cents };
  },

  // One transaction: the dedup rows and the LTV updates commit together. The customers are locked in id
  // order first, so two batches that share customers cannot deadlock. An event of an unknown customer is
  // left out and reported as failed, so it leaves no trace and fails alone.
  async onOrdersCreated({ events }) {
    const rows = await inTx(db, async (c) => {
      await c.query({
        name: 'customer.onOrdersCreated.lock',
        text: 'SELECT customer_id FROM customers WHERE customer_id = ANY($1::text[]) ORDER BY customer_id FOR UPDATE',
        values: [[...new Set(events.map((e) => e.customerId))]],
      });
      return (await c.query({
        name: 'customer.onOrdersCreated',
        text: `WITH input AS (SELECT DISTINCT ON (id) id, customer_id, cents FROM unnest($1::text[], $2::text[], $3::int[]) AS x(id, customer_id, cents) ORDER BY id),
                    known AS (SELECT i.* FROM input i WHERE EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = i.customer_id)),
                    fresh AS (INSERT INTO processed_events (event_id) SELECT id FROM known ON CONFLICT DO NOTHING RETURNING event_id),
                    effect AS (UPDATE customers c SET ltv_cents = c.ltv_cents + s.cents
                               FROM (SELECT k.customer_id, sum(k.cents)::int AS cents FROM known k JOIN fresh f ON f.event_id = k.id GROUP BY k.customer_id) s
                               WHERE c.customer_id = s.customer_id RETURNING 1)
               SELECT (SELECT count(*) FROM fresh)::int AS processed, ARRAY(SELECT id FROM input EXCEPT SELECT id FROM known) AS unknown`,
        values: [events.map((e) => e.eventId), events.map((e) => e.customerId), events.map((e) => e.totalCents)],
      })).rows;
    });
    const customerOf = new Map(events.map((e) => [e.eventId, e.customerId]));
    const failed = (rows[0].unknown as string[]).map((eventId) => ({
      eventId, reason: 'UNKNOWN_CUSTOMER', message: `unknown customer "${customerOf.get(eventId)}" in event "${eventId}"`,
    }));
    return { processed: rows[0].processed, failed };
  },
}));
