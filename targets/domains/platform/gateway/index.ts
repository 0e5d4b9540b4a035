import { Auth } from '../../../contracts/identity/auth.js';
import { Customer } from '../../../contracts/identity/customer.js';
import { Checkout } from '../../../contracts/commerce/checkout.js';
import { Order } from '../../../contracts/commerce/order.js';
import { Catalog } from '../../../contracts/product/catalog.js';
import { Pricing } from '../../../contracts/product/pricing.js';
import { Search } from '../../../contracts/product/search.js';
import { Warehouse } from '../../../contracts/logistics/warehouse.js';
import { Return } from '../../../contracts/postpurchase/return.js';
import { Review } from '../../../contracts/postpurchase/review.js';
import { Gateway } from '../../../contracts/platform/gateway.js';
import { implement } from '../../../kit/implement.js';
import { PAYMENT_OK } from '../../../db/seed-data.js';
import * as schema from './schema.js';

/** Browse shows the list price in the store's home market. */
const BROWSE_MARKET = { currency: 'USD', country: 'US' };

export default implement(Gateway, {
  deps: { auth: Auth, customer: Customer, checkout: Checkout, order: Order, catalog: Catalog, pricing: Pricing, search: Search, warehouse: Warehouse, review: Review, returns: Return },
  schema,
}, ({ deps }) => ({
  async checkout(input, ctx) {
    const { customerId } = await deps.auth.verify({ token: input.token }, ctx);
    const customer = await deps.customer.get({ customerId }, ctx);
    return deps.checkout.confirm({
      customerId, customerTier: customer.tier, country: customer.country, currency: customer.currency,
      lines: input.lines, coupon: input.coupon, paymentToken: input.paymentToken || PAYMENT_OK, idempotencyKey: input.idempotencyKey,
    }, ctx);
  },

  async browse({ sku }, ctx) {
    // The fan-out: four independent reads in parallel.
    const [catalog, price, reviews, stock] = await Promise.all([
      deps.catalog.getProducts({ skus: [sku] }, ctx),
      deps.pricing.quote({ lines: [{ sku, qty: 1 }], ...BROWSE_MARKET }, ctx),
      deps.review.summary({ sku }, ctx),
      deps.warehouse.availability({ skus: [sku] }, ctx),
    ]);
    const product = catalog.products[0];
    return {
      sku, name: product.name, category: product.category, priceCents: price.lines[0].unitCents, currency: price.currency,
      reviewCount: reviews.count, averageRating: reviews.averageRating, available: stock.items[0]?.available ?? 0,
    };
  },

  search({ q, limit }, ctx) {
    return deps.search.query({ q, limit: limit || 10 }, ctx);
  },

  async history({ token, limit }, ctx) {
    const { customerId } = await deps.auth.verify({ token }, ctx);
    return deps.order.list({ customerId, limit: limit || 20 }, ctx);
  },

  async createReturn({ token, idempotencyKey, orderId }, ctx) {
    const { customerId } = await deps.auth.verify({ token }, ctx);
    return deps.returns.create({ customerId, orderId, idempotencyKey }, ctx);
  },
}));
