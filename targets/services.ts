// The one list of the services. Everything else — domains and their databases, placements, schemas to
// migrate, the .proto files, who consumes which event — is derived from it (kit/service-list.ts). A
// service's domain is its contract's (splitbench.<domain>.<Service>). The order is the topology table's
// (docs/design.md): it orders the domain databases, and so docker-compose.yml's ports.
import { serviceList } from './kit/service-list.js';
import checkout from './domains/commerce/checkout/index.js';
import order from './domains/commerce/order/index.js';
import payment from './domains/commerce/payment/index.js';
import catalog from './domains/product/catalog/index.js';
import pricing from './domains/product/pricing/index.js';
import promotion from './domains/product/promotion/index.js';
import search from './domains/product/search/index.js';
import warehouse from './domains/logistics/warehouse/index.js';
import fulfillment from './domains/logistics/fulfillment/index.js';
import shipping from './domains/logistics/shipping/index.js';
import location from './domains/logistics/location/index.js';
import returnService from './domains/postpurchase/return/index.js';
import loyalty from './domains/postpurchase/loyalty/index.js';
import review from './domains/postpurchase/review/index.js';
import auth from './domains/identity/auth/index.js';
import user from './domains/identity/user/index.js';
import customer from './domains/identity/customer/index.js';
import gateway from './domains/platform/gateway/index.js';
import analytics from './domains/platform/analytics/index.js';
import notification from './domains/platform/notification/index.js';
import operations from './domains/platform/operations/index.js';

export const SERVICES = serviceList([
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
  returnService,
  loyalty,
  review,
  auth,
  user,
  customer,
  gateway,
  analytics,
  notification,
  operations,
]);
