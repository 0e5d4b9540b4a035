// Every service's migrations and seed, by service name.
import type pg from 'pg';
import type { SeedSize } from './seed-data.js';
import * as checkout from '../domains/commerce/checkout/schema.js';
import * as order from '../domains/commerce/order/schema.js';
import * as payment from '../domains/commerce/payment/schema.js';
import * as catalog from '../domains/product/catalog/schema.js';
import * as pricing from '../domains/product/pricing/schema.js';
import * as promotion from '../domains/product/promotion/schema.js';
import * as search from '../domains/product/search/schema.js';
import * as warehouse from '../domains/logistics/warehouse/schema.js';
import * as fulfillment from '../domains/logistics/fulfillment/schema.js';
import * as shipping from '../domains/logistics/shipping/schema.js';
import * as location from '../domains/logistics/location/schema.js';
import * as returnService from '../domains/postpurchase/return/schema.js';
import * as loyalty from '../domains/postpurchase/loyalty/schema.js';
import * as review from '../domains/postpurchase/review/schema.js';
import * as auth from '../domains/identity/auth/schema.js';
import * as user from '../domains/identity/user/schema.js';
import * as customer from '../domains/identity/customer/schema.js';
import * as gateway from '../domains/platform/gateway/schema.js';
import * as analytics from '../domains/platform/analytics/schema.js';
import * as notification from '../domains/platform/notification/schema.js';
import * as operations from '../domains/platform/operations/schema.js';

export interface ServiceSchema { migrations: string[]; seed(db: pg.ClientBase, size: SeedSize): Promise<void>; }

export const SERVICE_SCHEMAS: Record<string, ServiceSchema> = {
  checkout,
  order,
  payment,
  catalog,
  pricing,
  promotion,
  search,
  warehouse,
  fulfillment,
  shipping,
  location,
  return: returnService,
  loyalty,
  review,
  auth,
  user,
  customer,
  gateway,
  analytics,
  notification,
  operations,
};
