import { reasons, rpc, service } from '../../kit/contract.js';
import { int, list, msg, str } from '../../kit/schema.js';
import { Line, PricedLine } from '../common.js';
import { Location } from '../logistics/location.js';
import { Shipping } from '../logistics/shipping.js';
import { Warehouse } from '../logistics/warehouse.js';
import { Catalog } from '../product/catalog.js';
import { Pricing } from '../product/pricing.js';
import { Promotion } from '../product/promotion.js';

export const Checkout = service('splitbench.commerce.Checkout', {
  /**
   * The orchestrated saga (docs/saga.md). A retried key replays the first answer; a declined payment
   * releases stock; past the authorization it ends with the order or with the payment voided
   * (CHECKOUT_CANCELLED), whatever becomes of the caller.
   */
  confirm: rpc({
    input: msg({
      customerId: str(1, 64), customerTier: str(), country: str(2, 2), currency: str(3, 3), lines: list(Line, 1, 100),
      coupon: str(0, 32), paymentToken: str(1, 64), idempotencyKey: str(1, 128),
    }),
    output: msg({
      orderId: str(), status: str(), currency: str(), subtotalCents: int(), discountCents: int(), taxCents: int(),
      shippingCents: int(), totalCents: int(), lines: list(PricedLine),
    }),
    errors: reasons(
      ['PAYMENT_DECLINED', 'IDEMPOTENCY_KEY_REUSED', 'CHECKOUT_IN_PROGRESS', 'ORDER_TOO_LARGE', 'CHECKOUT_CANCELLED'],
      Catalog.methods.getProducts.errors, Pricing.methods.quote.errors, Promotion.methods.apply.errors,
      Location.methods.resolve.errors, Shipping.methods.quote.errors, Warehouse.methods.reserve.errors,
    ),
  }),
});
