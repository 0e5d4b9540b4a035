import { rpc, service } from '../../kit/contract.js';
import { int, list, msg, str } from '../../kit/schema.js';
import { Line, MAX_EVENTS_PER_BATCH } from '../common.js';

const Reservation = msg({ reservationId: str(), orderId: str(), status: str(), lines: list(Line) }, 'Reservation');

export const Warehouse = service('splitbench.logistics.Warehouse', {
  /** All lines or none; optimistic concurrency (UPDATE … WHERE on_hand >= qty). Idempotent per orderId. */
  reserve: rpc({ input: msg({ orderId: str(1, 64), lines: list(Line, 1, 100) }), output: Reservation, errors: ['OUT_OF_STOCK', 'UNKNOWN_SKU', 'RESERVATION_ID_TAKEN'], idempotent: true }),
  /** Compensation: gives reserved stock back. */
  release: rpc({ input: msg({ reservationId: str(1, 64) }), output: Reservation, errors: ['UNKNOWN_RESERVATION'], idempotent: true }),
  /**
   * Compensation when the reservation's id is not known (its answer was lost): releases the order's
   * reservation, if it has one (status NONE and no lines when it has not).
   */
  releaseOrder: rpc({ input: msg({ orderId: str(1, 64) }), output: Reservation, idempotent: true }),
  /**
   * Reserved stock becomes sold (fulfillment, after order.paid), for many reservations in one
   * transaction. Committed: every reservation that is COMMITTED now (already or by this call); a
   * reservation that is unknown or RELEASED fails alone and is left as it was.
   */
  commitMany: rpc({
    input: msg({ reservationIds: list(str(1, 64), 1, MAX_EVENTS_PER_BATCH) }),
    output: msg({ committed: list(str(), 0, MAX_EVENTS_PER_BATCH), failed: list(msg({ reservationId: str(), reason: str(), message: str() }, 'CommitFailure'), 0, MAX_EVENTS_PER_BATCH) }),
    idempotent: true,
  }),
  /** Returned goods go back on the shelf; idempotent per returnId. */
  restock: rpc({ input: msg({ returnId: str(1, 64), orderId: str(1, 64), lines: list(Line, 1, 100) }), output: msg({ returnId: str(), restockedUnits: int() }), errors: ['NOT_SOLD'], idempotent: true }),
  availability: rpc({ input: msg({ skus: list(str(1, 32), 1, 100) }), output: msg({ items: list(msg({ sku: str(), available: int() }, 'Availability')) }), idempotent: true }),
});
