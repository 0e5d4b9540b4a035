import { reasons, rpc, service } from '../../kit/contract.js';
import { int, list, msg, num, optional, str } from '../../kit/schema.js';
import { Line, PricedLine } from '../common.js';
import { Checkout } from '../commerce/checkout.js';
import { Order, OrderView } from '../commerce/order.js';
import { Auth } from '../identity/auth.js';
import { Customer } from '../identity/customer.js';
import { Warehouse } from '../logistics/warehouse.js';
import { Return } from '../postpurchase/return.js';
import { Review } from '../postpurchase/review.js';
import { Catalog } from '../product/catalog.js';
import { Pricing } from '../product/pricing.js';
import { Search } from '../product/search.js';

const signedIn = Auth.methods.verify.errors;

// The gateway's contract is the public API: the front door maps HTTP requests (headers, path,
// query, body) onto these inputs, in every wiring alike.
export const Gateway = service('splitbench.platform.Gateway', {
  checkout: rpc({
    input: msg({ token: str(1, 256), idempotencyKey: str(1, 128), lines: list(Line, 1, 100), coupon: optional(str(0, 32)), paymentToken: optional(str(0, 64)) }),
    output: msg({
      orderId: str(), status: str(), currency: str(), subtotalCents: int(), discountCents: int(), taxCents: int(),
      shippingCents: int(), totalCents: int(), lines: list(PricedLine),
    }),
    errors: reasons(signedIn, Customer.methods.get.errors, Checkout.methods.confirm.errors),
  }),
  browse: rpc({
    input: msg({ sku: str(1, 32) }),
    output: msg({ sku: str(), name: str(), category: str(), priceCents: int(), currency: str(), reviewCount: int(), averageRating: num(), available: int() }),
    errors: reasons(Catalog.methods.getProducts.errors, Pricing.methods.quote.errors, Review.methods.summary.errors, Warehouse.methods.availability.errors),
    idempotent: true,
  }),
  search: rpc({ input: msg({ q: str(1, 100), limit: optional(int(1, 50)) }), output: msg({ hits: list(msg({ sku: str(), name: str(), category: str(), score: num() }, 'Hit')) }), errors: Search.methods.query.errors, idempotent: true }),
  history: rpc({ input: msg({ token: str(1, 256), limit: optional(int(1, 100)) }), output: msg({ orders: list(OrderView) }), errors: reasons(signedIn, Order.methods.list.errors), idempotent: true }),
  createReturn: rpc({
    input: msg({ token: str(1, 256), idempotencyKey: str(1, 128), orderId: str(1, 64) }),
    output: msg({ returnId: str(), orderId: str(), status: str(), refundCents: int(), restockedUnits: int() }),
    errors: reasons(signedIn, Return.methods.create.errors),
  }),
});
