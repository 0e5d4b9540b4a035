import { Shipping } from '../../../contracts/logistics/shipping.js';
import { invalid, ServiceError } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';

// Cheapest carrier for the zone; started kilograms are charged whole; a tie goes to the carrier name.
const CHEAPEST = `SELECT carrier, (base_cents + ($2::bigint + 999) / 1000 * per_kg_cents)::int AS cost, days
                  FROM rates WHERE zone = $1 ORDER BY cost, carrier LIMIT 1`;

const unknownZone = (zone: string) => invalid('UNKNOWN_ZONE', `unknown shipping zone "${zone}"`);

export default implement(Shipping, { deps: {} }, ({ db }) => ({
  async quote({ zone, weightGrams }, ctx) {
    const { rows } = await db.query({ name: 'shipping.quote', text: CHEAPEST, values: [zone, weightGrams] }, ctx);
    if (rows.length === 0) throw unknownZone(zone);
    return { carrier: rows[0].carrier, costCents: rows[0].cost, days: rows[0].days };
  },

  async createShipment({ orderId, zone, weightGrams }, ctx) {
    const shipmentId = `shp-${orderId.replace(/^ord-/, '')}`;
    const { rows } = await db.query({
      name: 'shipping.create',
      text: `INSERT INTO shipments (shipment_id, order_id, carrier, zone, weight_grams)
             SELECT $3, $4, carrier, $1, $2 FROM (${CHEAPEST}) q
             ON CONFLICT DO NOTHING RETURNING shipment_id, carrier`,
      values: [zone, weightGrams, shipmentId, orderId],
    }, ctx);
    if (rows.length === 1) return { shipmentId: rows[0].shipment_id, carrier: rows[0].carrier };
    const found = await db.query({ name: 'shipping.find', text: 'SELECT shipment_id, carrier FROM shipments WHERE order_id = $1', values: [orderId] }, ctx);
    if (found.rows.length === 1) return { shipmentId: found.rows[0].shipment_id, carrier: found.rows[0].carrier };
    const zoneKnown = await db.query({ name: 'shipping.zone', text: 'SELECT 1 FROM rates WHERE zone = $1 LIMIT 1', values: [zone] }, ctx);
    if (zoneKnown.rowCount === 0) throw unknownZone(zone);
    throw new ServiceError('ALREADY_EXISTS', 'SHIPMENT_ID_TAKEN', `shipment "${shipmentId}" belongs to another order than "${orderId}"`);
  },
}));
