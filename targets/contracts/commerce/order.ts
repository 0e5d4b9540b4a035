import { rpc, service } from '../../kit/contract.js';
import { int, list, msg, str } from '../../kit/schema.js';
import { PricedLine } from '../common.js';

export const OrderView = msg({
  orderId: str(), customerId: str(), status: str(), currency: str(), subtotalCents: int(), discountCents: int(),
  taxCents: int(), shippingCents: int(), totalCents: int(), paymentId: str(), reservationId: str(), lines: list(PricedLine),
}, 'OrderView');

export const Order = service('splitbench.commerce.Order', {
  /** Order row + outbox events (order.created, order.paid) in one transaction. Idempotent per orderId. */
  create: rpc({
    input: msg({
      orderId: str(1, 64), customerId: str(1, 64), reservationId: str(1, 64), paymentId: str(1, 64), currency: str(3, 3),
      subtotalCents: int(0), discountCents: int(0), taxCents: int(0), shippingCents: int(0), totalCents: int(0),
      zone: str(), weightGrams: int(0), lines: list(PricedLine, 1, 100),
    }),
    output: OrderView, errors: ['ORDER_ABANDONED'], idempotent: true,
  }),
  /**
   * Settles an order's fate when its checkout gave up: a tombstone after which create fails for that
   * id, unless the order was placed first (fate PLACED). Idempotent; whoever comes first wins.
   */
  abandon: rpc({ input: msg({ orderId: str(1, 64) }), output: msg({ orderId: str(), fate: str() }), idempotent: true }),
  get: rpc({ input: msg({ orderId: str(1, 64) }), output: OrderView, errors: ['UNKNOWN_ORDER'], idempotent: true }),
  list: rpc({ input: msg({ customerId: str(1, 64), limit: int(1, 100) }), output: msg({ orders: list(OrderView) }), idempotent: true }),
  /** Marks an order REFUNDED after its return; idempotent. */
  markRefunded: rpc({ input: msg({ orderId: str(1, 64), returnId: str(1, 64) }), output: OrderView, errors: ['UNKNOWN_ORDER'], idempotent: true }),
});
