import { reasons, rpc, service } from '../../kit/contract.js';
import { int, msg, str } from '../../kit/schema.js';
import { Order } from '../commerce/order.js';
import { Payment } from '../commerce/payment.js';
import { Warehouse } from '../logistics/warehouse.js';

export const Return = service('splitbench.postpurchase.Return', {
  /** Whole-order return: order.get → payment.refund → warehouse.restock → order.markRefunded; past the refund it completes whatever becomes of the caller. Idempotent by key. */
  create: rpc({
    input: msg({ customerId: str(1, 64), orderId: str(1, 64), idempotencyKey: str(1, 128) }),
    output: msg({ returnId: str(), orderId: str(), status: str(), refundCents: int(), restockedUnits: int() }),
    errors: reasons(
      ['NOT_YOUR_ORDER', 'ALREADY_RETURNED', 'NOT_RETURNABLE', 'RETURN_IN_PROGRESS'],
      Order.methods.get.errors, Payment.methods.refund.errors, Warehouse.methods.restock.errors, Order.methods.markRefunded.errors,
    ),
  }),
});
