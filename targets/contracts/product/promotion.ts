import { rpc, service } from '../../kit/contract.js';
import { int, msg, str } from '../../kit/schema.js';

export const Promotion = service('splitbench.product.Promotion', {
  /** An empty coupon applies only the tier discount. */
  apply: rpc({
    input: msg({ coupon: str(0, 32), subtotalCents: int(0), customerTier: str() }),
    output: msg({ coupon: str(), discountCents: int(), description: str() }),
    errors: ['UNKNOWN_COUPON', 'COUPON_MINIMUM_NOT_MET', 'UNKNOWN_TIER'], idempotent: true,
  }),
});
