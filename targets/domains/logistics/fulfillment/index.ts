import { Fulfillment } from '../../../contracts/logistics/fulfillment.js';
import { Shipping } from '../../../contracts/logistics/shipping.js';
import { Warehouse } from '../../../contracts/logistics/warehouse.js';
import { implement } from '../../../kit/implement.js';
import { inTx } from '../../../db/pools.js';

export default implement(Fulfillment, { deps: { warehouse: Warehouse, shipping: Shipping } }, ({ deps, db }) => ({
  async onOrderPaid(event, ctx) {
    // Both calls are idempotent, so a redelivered event may repeat them; stock is committed before
    // anything is shipped.
    await deps.warehouse.commit({ reservationId: event.reservationId }, ctx);
    const shipment = await deps.shipping.createShipment({ orderId: event.orderId, zone: event.zone, weightGrams: event.weightGrams }, ctx);
    return inTx(db, async (c) => {
      const fresh = await c.query({
        name: 'fulfillment.dedupe',
        text: 'INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id',
        values: [event.eventId],
      });
      if (fresh.rowCount === 1) {
        await c.query({
          name: 'fulfillment.insert',
          text: `INSERT INTO fulfillments (order_id, reservation_id, shipment_id, status) VALUES ($1, $2, $3, 'SHIPPING')
                 ON CONFLICT DO NOTHING`,
          values: [event.orderId, event.reservationId, shipment.shipmentId],
        });
      }
      return { eventId: event.eventId, processed: fresh.rowCount === 1 ? 1 : 0 };
    });
  },
}));
