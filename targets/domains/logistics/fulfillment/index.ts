import { Fulfillment } from '../../../contracts/logistics/fulfillment.js';
import { Shipping } from '../../../contracts/logistics/shipping.js';
import { Warehouse } from '../../../contracts/logistics/warehouse.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

interface Failure { eventId: string; reason: string; message: string; }

export default implement(Fulfillment, { deps: { warehouse: Warehouse, shipping: Shipping }, schema, subscriptions: { 'order.paid': 'onOrdersPaid' } }, ({ deps, db }) => ({
  // Stock is committed before anything is shipped, and an event is recorded only once both are done.
  // Both calls are idempotent, so events delivered again repeat them harmlessly; events this service
  // already processed are not sent on at all. An event whose stock or shipment fails fails alone.
  async onOrdersPaid({ events }, ctx) {
    const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
    const { rows: seen } = await db.query({
      name: 'fulfillment.seen',
      text: 'SELECT event_id FROM processed_events WHERE event_id = ANY($1::text[])',
      values: [unique.map((e) => e.eventId)],
    });
    const done = new Set(seen.map((r) => r.event_id as string));
    let todo = unique.filter((e) => !done.has(e.eventId));
    const failed: Failure[] = [];
    if (todo.length === 0) return { processed: 0, failed };

    const stock = await deps.warehouse.commitMany({ reservationIds: [...new Set(todo.map((e) => e.reservationId))] }, ctx);
    const stockFailed = new Map(stock.failed.map((f) => [f.reservationId, f]));
    todo = todo.filter((e) => {
      const f = stockFailed.get(e.reservationId);
      if (f) failed.push({ eventId: e.eventId, reason: f.reason, message: f.message });
      return !f;
    });
    if (todo.length === 0) return { processed: 0, failed };

    const shipped = await deps.shipping.createShipments({ orders: todo.map((e) => ({ orderId: e.orderId, zone: e.zone, weightGrams: e.weightGrams })) }, ctx);
    const shipmentOf = new Map(shipped.shipments.map((s) => [s.orderId, s.shipmentId]));
    const shipFailed = new Map(shipped.failed.map((f) => [f.orderId, f]));
    todo = todo.filter((e) => {
      const f = shipFailed.get(e.orderId) ?? (shipmentOf.has(e.orderId) ? undefined : { reason: 'NO_SHIPMENT', message: `no shipment came back for order "${e.orderId}"` });
      if (f) failed.push({ eventId: e.eventId, reason: f.reason, message: f.message });
      return !f;
    });
    if (todo.length === 0) return { processed: 0, failed };

    // One statement is one transaction: the dedup rows and the fulfillments commit together.
    const { rows } = await db.query({
      name: 'fulfillment.record',
      text: `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(id, order_id, reservation_id, shipment_id)),
                  fresh AS (INSERT INTO processed_events (event_id) SELECT id FROM input ORDER BY id ON CONFLICT DO NOTHING RETURNING event_id),
                  effect AS (INSERT INTO fulfillments (order_id, reservation_id, shipment_id, status)
                             SELECT i.order_id, i.reservation_id, i.shipment_id, 'SHIPPING' FROM input i JOIN fresh f ON f.event_id = i.id
                             ON CONFLICT DO NOTHING RETURNING 1)
             SELECT count(*)::int AS processed FROM fresh`,
      values: [todo.map((e) => e.eventId), todo.map((e) => e.orderId), todo.map((e) => e.reservationId), todo.map((e) => shipmentOf.get(e.orderId)!)],
    });
    return { processed: rows[0].processed, failed };
  },
}));
