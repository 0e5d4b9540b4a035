import { rpc, service } from '../../kit/contract.js';
import { int, list, msg, str } from '../../kit/schema.js';
import { MAX_EVENTS_PER_BATCH } from '../common.js';

export const Shipping = service('splitbench.logistics.Shipping', {
  quote: rpc({ input: msg({ zone: str(1, 16), weightGrams: int(0) }), output: msg({ carrier: str(), costCents: int(), days: int() }), errors: ['UNKNOWN_ZONE'], idempotent: true }),
  /** One shipment per order, many orders in one statement; idempotent per orderId. An order that cannot ship fails alone. */
  createShipments: rpc({
    input: msg({ orders: list(msg({ orderId: str(1, 64), zone: str(1, 16), weightGrams: int(0) }, 'ShipmentRequest'), 1, MAX_EVENTS_PER_BATCH) }),
    output: msg({
      shipments: list(msg({ orderId: str(), shipmentId: str(), carrier: str() }, 'Shipment'), 0, MAX_EVENTS_PER_BATCH),
      failed: list(msg({ orderId: str(), reason: str(), message: str() }, 'ShipmentFailure'), 0, MAX_EVENTS_PER_BATCH),
    }),
    idempotent: true,
  }),
});
