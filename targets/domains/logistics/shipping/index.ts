import { Shipping } from '../../../contracts/logistics/shipping.js';
import { invalid } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

// Cheapest carrier for the zone; started kilograms are charged whole; a tie goes to the carrier name.
const CHEAPEST = `SELECT carrier, (base_cents + ($2::bigint + 999) / 1000 * per_kg_cents)::int AS cost, days
                  FROM rates WHERE zone = $1 ORDER BY cost, carrier LIMIT 1`;

const unknownZone = (zone: string) => ({ reason: 'UNKNOWN_ZONE', message: `unknown shipping zone "${zone}"` });

export default implement(Shipping, { deps: {}, schema }, ({ db }) => ({
  async quote({ zone, weightGrams }, ctx) {
    const { rows } = await db.query({ name: 'shipping.quote', text: CHEAPEST, values: [zone, weightGrams] }, ctx);
    if (rows.length === 0) { const e = unknownZone(zone); throw invalid(e.reason, e.message); }
    return { carrier: rows[0].carrier, costCents: rows[0].cost, days: rows[0].days };
  },

  // Priced, inserted and read back in one statement. The outer SELECT sees the table as it was before
  // the insert: a shipment found there is one created by an earlier delivery.
  async createShipments({ orders }, ctx) {
    const { rows } = await db.query({
      name: 'shipping.createMany',
      text: `WITH input AS (SELECT DISTINCT ON (order_id) order_id, zone, weight_grams, 'shp-' || regexp_replace(order_id, '^ord-', '') AS shipment_id
                           FROM unnest($1::text[], $2::text[], $3::int[]) AS x(order_id, zone, weight_grams) ORDER BY order_id),
                  priced AS (SELECT i.*, q.carrier FROM input i CROSS JOIN LATERAL (
                               SELECT carrier, (base_cents + (i.weight_grams::bigint + 999) / 1000 * per_kg_cents)::int AS cost
                               FROM rates WHERE zone = i.zone ORDER BY cost, carrier LIMIT 1) q),
                  created AS (INSERT INTO shipments (shipment_id, order_id, carrier, zone, weight_grams)
                              SELECT shipment_id, order_id, carrier, zone, weight_grams FROM priced
                              ON CONFLICT DO NOTHING RETURNING shipment_id, order_id, carrier)
             SELECT i.order_id, i.shipment_id AS wanted_id, i.zone, coalesce(c.shipment_id, s.shipment_id) AS shipment_id,
                    coalesce(c.carrier, s.carrier) AS carrier, EXISTS (SELECT 1 FROM rates r WHERE r.zone = i.zone) AS zone_known
             FROM input i LEFT JOIN created c ON c.order_id = i.order_id LEFT JOIN shipments s ON s.order_id = i.order_id`,
      values: [orders.map((o) => o.orderId), orders.map((o) => o.zone), orders.map((o) => o.weightGrams)],
    }, ctx);
    const shipments: { orderId: string; shipmentId: string; carrier: string }[] = [];
    const failed: { orderId: string; reason: string; message: string }[] = [];
    for (const r of rows) {
      if (r.shipment_id) shipments.push({ orderId: r.order_id, shipmentId: r.shipment_id, carrier: r.carrier });
      else if (!r.zone_known) failed.push({ orderId: r.order_id, ...unknownZone(r.zone) });
      else failed.push({ orderId: r.order_id, reason: 'SHIPMENT_ID_TAKEN', message: `shipment "${r.wanted_id}" belongs to another order than "${r.order_id}"` });
    }
    return { shipments, failed };
  },
}));
