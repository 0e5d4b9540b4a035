import { rpc, service } from '../../kit/contract.js';
import { int, msg, str } from '../../kit/schema.js';

export const Shipping = service('splitbench.logistics.Shipping', {
  quote: rpc({ input: msg({ zone: str(1, 16), weightGrams: int(0) }), output: msg({ carrier: str(), costCents: int(), days: int() }), errors: ['UNKNOWN_ZONE'], idempotent: true }),
  /** Idempotent per orderId. */
  createShipment: rpc({ input: msg({ orderId: str(1, 64), zone: str(1, 16), weightGrams: int(0) }), output: msg({ shipmentId: str(), carrier: str() }), idempotent: true }),
});
