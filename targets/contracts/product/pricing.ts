import { rpc, service } from '../../kit/contract.js';
import { int, list, msg, str } from '../../kit/schema.js';
import { Line, PricedLine } from '../common.js';

export const Pricing = service('splitbench.product.Pricing', {
  /** Prices in the customer's currency (fx + per-currency overrides), tax by country. */
  quote: rpc({
    input: msg({ lines: list(Line, 1, 100), currency: str(3, 3), country: str(2, 2) }),
    output: msg({ lines: list(PricedLine), subtotalCents: int(), taxCents: int(), currency: str() }),
    errors: ['UNKNOWN_SKU', 'UNKNOWN_CURRENCY', 'UNKNOWN_COUNTRY', 'AMOUNT_TOO_LARGE'], idempotent: true,
  }),
});
