import { rpc, service } from '../../kit/contract.js';
import { int, list, msg, str } from '../../kit/schema.js';
import { Line, PricedLine } from '../common.js';

export const Checkout = service('splitbench.commerce.Checkout', {
  /** The orchestrated saga. A retried key replays the first answer; a declined payment releases stock. */
  confirm: rpc({
    input: msg({
      customerId: str(1, 64), customerTier: str(), country: str(2, 2), currency: str(3, 3), lines: list(Line, 1, 100),
      coupon: str(0, 32), paymentToken: str(1, 64), idempotencyKey: str(1, 128),
    }),
    output: msg({
      orderId: str(), status: str(), currency: str(), subtotalCents: int(), discountCents: int(), taxCents: int(),
      shippingCents: int(), totalCents: int(), lines: list(PricedLine),
    }),
    errors: ['OUT_OF_STOCK', 'UNKNOWN_SKU', 'UNKNOWN_COUPON', 'PAYMENT_DECLINED', 'IDEMPOTENCY_KEY_REUSED', 'CHECKOUT_IN_PROGRESS'],
  }),
});
