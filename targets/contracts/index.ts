// All 21 contracts, for tools that work on contracts alone (the .proto generator).
import { Checkout } from './commerce/checkout.js';
import { Order } from './commerce/order.js';
import { Payment } from './commerce/payment.js';
import { Auth } from './identity/auth.js';
import { Customer } from './identity/customer.js';
import { User } from './identity/user.js';
import { Fulfillment } from './logistics/fulfillment.js';
import { Location } from './logistics/location.js';
import { Shipping } from './logistics/shipping.js';
import { Warehouse } from './logistics/warehouse.js';
import { Analytics } from './platform/analytics.js';
import { Gateway } from './platform/gateway.js';
import { Notification } from './platform/notification.js';
import { Operations } from './platform/operations.js';
import { Loyalty } from './postpurchase/loyalty.js';
import { Return } from './postpurchase/return.js';
import { Review } from './postpurchase/review.js';
import { Catalog } from './product/catalog.js';
import { Pricing } from './product/pricing.js';
import { Promotion } from './product/promotion.js';
import { Search } from './product/search.js';

export const CONTRACTS = [
  Checkout, Order, Payment, Catalog, Pricing, Promotion, Search, Warehouse, Fulfillment, Shipping, Location,
  Return, Loyalty, Review, Auth, User, Customer, Gateway, Analytics, Notification, Operations,
];
