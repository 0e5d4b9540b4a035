import { Customer } from '../../../contracts/identity/customer.js';
import { notFound } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';

export default implement(Customer, { deps: {} }, ({ db }) => ({
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

  // One statement is one transaction: the dedup row and the LTV update commit together, in one round
  // trip. The event is only recorded when the customer exists, so an unknown customer leaves no trace.
  async onOrderCreated(event) {
    const { rows } = await db.query({
      name: 'customer.onOrderCreated',
      text: `WITH known AS (SELECT 1 FROM customers WHERE customer_id = $2),
                  fresh AS (INSERT INTO processed_events (event_id) SELECT $1 FROM known ON CONFLICT DO NOTHING RETURNING event_id),
                  effect AS (UPDATE customers SET ltv_cents = ltv_cents + $3 FROM fresh WHERE customer_id = $2 RETURNING 1)
             SELECT (SELECT count(*) FROM known)::int AS known, (SELECT count(*) FROM fresh)::int AS processed`,
      values: [event.eventId, event.customerId, event.totalCents],
    });
    if (rows[0].known === 0) throw notFound('UNKNOWN_CUSTOMER', `unknown customer "${event.customerId}" in event "${event.eventId}"`);
    return { eventId: event.eventId, processed: rows[0].processed };
  },
}));
