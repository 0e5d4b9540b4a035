// How each workflow looks on the wire at the front door, built deterministically from a sequence
// number, so every wiring (and every repeat) receives exactly the same requests.
import { COUPONS, PAYMENT_OK, customerId, skuId, token, type SeedSize } from '../targets/db/seed-data.js';

export type Workflow = 'checkout' | 'browse' | 'search' | 'history' | 'return';
export const WORKFLOWS: Workflow[] = ['checkout', 'browse', 'search', 'history', 'return'];

export interface FrontDoorRequest { workflow: Workflow; method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string; }

const SEARCH_TERMS = ['speaker', 'lamp audio', 'pro', 'tent outdoor', 'kettle', 'watch', 'studio headphones', 'books', 'smart'];

/** Customer and SKU picks avoid the scarce SKUs so that load never runs out of stock by design. */
export function checkoutRequest(n: number, size: SeedSize, runTag: string): FrontDoorRequest {
  const customer = 1 + (n % size.customers);
  const lines = [{ sku: pickSku(n * 7 + 1, size), qty: 1 + (n % 2) }];
  if (n % 3 === 0) lines.push({ sku: pickSku(n * 13 + 5, size), qty: 1 });
  const coupon = n % 5 === 0 ? COUPONS[0].code : '';
  return {
    workflow: 'checkout', method: 'POST', path: '/api/checkout',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token(customer)}`, 'idempotency-key': `${runTag}-checkout-${n}` },
    body: JSON.stringify({ lines, coupon, paymentToken: n % 10 === 9 ? 'pm_card_visa' : PAYMENT_OK }),
  };
}

export function browseRequest(n: number, size: SeedSize): FrontDoorRequest {
  return { workflow: 'browse', method: 'GET', path: `/api/products/${pickSku(n * 31 + 3, size)}`, headers: {} };
}

export function searchRequest(n: number): FrontDoorRequest {
  return { workflow: 'search', method: 'GET', path: `/api/search?q=${encodeURIComponent(SEARCH_TERMS[n % SEARCH_TERMS.length])}&limit=10`, headers: {} };
}

export function historyRequest(n: number, size: SeedSize): FrontDoorRequest {
  return { workflow: 'history', method: 'GET', path: '/api/orders?limit=10', headers: { authorization: `Bearer ${token(1 + (n % size.customers))}` } };
}

/** Returns an order placed earlier in the same run (the caller supplies it with its customer number). */
export function returnRequest(orderId: string, customer: number, runTag: string): FrontDoorRequest {
  return {
    workflow: 'return', method: 'POST', path: '/api/returns',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token(customer)}`, 'idempotency-key': `${runTag}-return-${orderId}` },
    body: JSON.stringify({ orderId }),
  };
}

export const customerOfCheckout = (n: number, size: SeedSize) => 1 + (n % size.customers);
export const customerIdOfCheckout = (n: number, size: SeedSize) => customerId(customerOfCheckout(n, size));

function pickSku(k: number, size: SeedSize): string {
  let i = 1 + (k % size.skus);
  if (i % 500 === 0) i = i === size.skus ? i - 1 : i + 1;
  return skuId(i);
}
