// The bare chain's call graph: the checkout path exactly as the real code walks it
// (targets/domains/platform/gateway/index.ts, then commerce/checkout/index.ts), with fixed messages
// shaped and sized like a typical two-line checkout's, and where each node runs for a given wiring.
// Deliberately outside the kit: it imports no contract, envelope, ctx or recorder — only the
// generated .proto files, for the same message bytes. The placement comes from the parent (chain.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export type ChainTransport = 'http' | 'grpc' | 'tcp';
export const CHAIN_TRANSPORTS: readonly ChainTransport[] = ['http', 'grpc', 'tcp'];

/** One downstream call: to which node, which RPC (as the .proto names it), with which message. */
export interface ChainCall { to: string; service: string; method: string; request: Record<string, unknown>; }
/** A node answers its fixed answer, or (no answer) the answer of its last call, as the gateway forwards checkout's. */
export interface ChainNode { name: string; calls: ChainCall[]; answer?: Record<string, unknown>; }

// A typical checkout of the k6 / bench mix: customer 417 (FR, EUR, silver tier), coupon WELCOME10,
// two lines (one in three checkouts carries a second line); ids in the formats the services mint.
const CUSTOMER = { customerId: 'cust-00417', userId: 'user-00417' };
const ORDER_ID = 'ord-3f9a1c0b7d2e4a6f8b1c';
const RESERVATION_ID = 'res-3f9a1c0b7d2e4a6f8b1c';
const PAYMENT_ID = 'pay-9d41e07a52c3b8f16e0d';
const LINES = [{ sku: 'SKU-000417', qty: 2 }, { sku: 'SKU-002931', qty: 1 }];
const PRICED = [{ sku: 'SKU-000417', qty: 2, unitCents: 4_999, lineCents: 9_998 }, { sku: 'SKU-002931', qty: 1, unitCents: 3_000, lineCents: 3_000 }];
const MONEY = { currency: 'EUR', subtotalCents: 12_998, discountCents: 1_559, taxCents: 2_600, shippingCents: 974, totalCents: 15_013 };
const WEIGHT_GRAMS = 2_405;

/** What checkout.confirm answers, and so what the front door sends back. */
export const CONFIRM_ANSWER = { orderId: ORDER_ID, status: 'PAID', ...MONEY, lines: PRICED };

/** What the front door receives (scenarios/requests.ts checkoutRequest): the token and key travel in headers. */
export const FRONT_DOOR_PATH = '/api/checkout';

export const CHAIN_NODES: ChainNode[] = [
  {
    name: 'gateway',
    calls: [
      { to: 'auth', service: 'splitbench.identity.Auth', method: 'Verify', request: { token: 'tok-00417' } },
      { to: 'customer', service: 'splitbench.identity.Customer', method: 'Get', request: { customerId: CUSTOMER.customerId } },
      {
        to: 'checkout', service: 'splitbench.commerce.Checkout', method: 'Confirm',
        request: { customerId: CUSTOMER.customerId, customerTier: 'silver', country: 'FR', currency: 'EUR', lines: LINES, coupon: 'WELCOME10', paymentToken: 'pm_card_ok', idempotencyKey: '20261202-101500-default-3-checkout-417' },
      },
    ],
  },
  { name: 'auth', calls: [], answer: { ...CUSTOMER } },
  { name: 'customer', calls: [], answer: { ...CUSTOMER, name: 'Customer 417', tier: 'silver', country: 'FR', currency: 'EUR', ltvCents: 45_120 } },
  {
    name: 'checkout',
    calls: [
      { to: 'catalog', service: 'splitbench.product.Catalog', method: 'GetProducts', request: { skus: LINES.map((l) => l.sku) } },
      { to: 'pricing', service: 'splitbench.product.Pricing', method: 'Quote', request: { lines: LINES, currency: 'EUR', country: 'FR' } },
      { to: 'promotion', service: 'splitbench.product.Promotion', method: 'Apply', request: { coupon: 'WELCOME10', subtotalCents: MONEY.subtotalCents, customerTier: 'silver' } },
      { to: 'location', service: 'splitbench.logistics.Location', method: 'Resolve', request: { country: 'FR' } },
      { to: 'shipping', service: 'splitbench.logistics.Shipping', method: 'Quote', request: { zone: 'EU', weightGrams: WEIGHT_GRAMS } },
      { to: 'warehouse', service: 'splitbench.logistics.Warehouse', method: 'Reserve', request: { orderId: ORDER_ID, lines: LINES } },
      {
        to: 'payment', service: 'splitbench.commerce.Payment', method: 'Authorize',
        request: { orderId: ORDER_ID, customerId: CUSTOMER.customerId, amountCents: MONEY.totalCents, currency: 'EUR', paymentToken: 'pm_card_ok', idempotencyKey: `chk-${ORDER_ID}` },
      },
      {
        to: 'order', service: 'splitbench.commerce.Order', method: 'Create',
        request: { orderId: ORDER_ID, customerId: CUSTOMER.customerId, reservationId: RESERVATION_ID, paymentId: PAYMENT_ID, ...MONEY, zone: 'EU', weightGrams: WEIGHT_GRAMS, lines: PRICED },
      },
    ],
    answer: CONFIRM_ANSWER,
  },
  {
    name: 'catalog', calls: [],
    answer: { products: [
      { sku: 'SKU-000417', name: 'Classic Sneaker lighting 417', category: 'lighting', weightGrams: 829, active: true },
      { sku: 'SKU-002931', name: 'Travel Router outdoor 2931', category: 'outdoor', weightGrams: 747, active: true },
    ] },
  },
  { name: 'pricing', calls: [], answer: { lines: PRICED, subtotalCents: MONEY.subtotalCents, taxCents: MONEY.taxCents, currency: 'EUR' } },
  { name: 'promotion', calls: [], answer: { coupon: 'WELCOME10', discountCents: MONEY.discountCents, description: 'WELCOME10 10% + silver tier 2%' } },
  { name: 'location', calls: [], answer: { country: 'FR', zone: 'EU', warehouseId: 'wh-eu' } },
  { name: 'shipping', calls: [], answer: { carrier: 'dpd', costCents: 1_059, days: 4 } },
  { name: 'warehouse', calls: [], answer: { reservationId: RESERVATION_ID, orderId: ORDER_ID, status: 'RESERVED', lines: LINES } },
  { name: 'payment', calls: [], answer: { paymentId: PAYMENT_ID, status: 'AUTHORIZED', fraudScore: 0, declineReason: '' } },
  {
    name: 'order', calls: [],
    answer: { orderId: ORDER_ID, customerId: CUSTOMER.customerId, status: 'PAID', ...MONEY, paymentId: PAYMENT_ID, reservationId: RESERVATION_ID, lines: PRICED },
  },
];

export const chainNode = (name: string) => CHAIN_NODES.find((n) => n.name === name);

/** Every call of one checkout in call order, as "caller>callee". */
export const CHAIN_CALLS: { from: string; call: ChainCall }[] = [];
{
  const walk = (node: ChainNode) => {
    for (const call of node.calls) {
      CHAIN_CALLS.push({ from: node.name, call });
      walk(chainNode(call.to)!);
    }
  };
  walk(chainNode('gateway')!);
}

/** Which services share a process, and whether co-located calls still go over the transport (loopback). */
export interface ChainPlacement {
  name: string;
  transport: ChainTransport;
  local: 'direct' | 'loopback';
  groups: { name: string; services: string[] }[];
}

export const groupOfService = (p: ChainPlacement, service: string) => {
  const g = p.groups.find((x) => x.services.includes(service));
  if (!g) throw new Error(`placement ${p.name} has no process for ${service}`);
  return g.name;
};

export const isRemote = (p: ChainPlacement, from: string, to: string) => p.local === 'loopback' || groupOfService(p, from) !== groupOfService(p, to);

/** The calls of one checkout that cross the transport under this placement, as "caller>callee" in call order. */
export const remoteCalls = (p: ChainPlacement) => CHAIN_CALLS.filter(({ from, call }) => isRemote(p, from, call.to)).map(({ from, call }) => `${from}>${call.to}`);

/** One RPC the chain serves: how each transport names it, and its protobuf message types. */
export interface Route { id: number; node: string; httpPath: string; grpcService: string; grpcMethod: string; grpcPath: string; req: protobuf.Type; res: protobuf.Type; }

let routes: Route[] | undefined;

/** Every RPC of the checkout path, loaded once per process from the committed .proto files. */
export function chainRoutes(): Route[] {
  if (routes) return routes;
  const root = new protobuf.Root();
  const files = [...new Set(CHAIN_CALLS.map(({ call }) => protoFile(call)))];
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  const seen = new Map<string, Route>();
  for (const { call } of CHAIN_CALLS) {
    const key = `${call.service}/${call.method}`;
    if (seen.has(key)) continue;
    const method = root.lookupService(call.service).methods[call.method];
    if (!method) throw new Error(`${call.service} has no method ${call.method} in ${protoFile(call)}`);
    seen.set(key, {
      id: seen.size, node: call.to,
      httpPath: `/rpc/${call.to}/${call.method[0].toLowerCase()}${call.method.slice(1)}`,
      grpcService: call.service, grpcMethod: call.method, grpcPath: `/${call.service}/${call.method}`,
      req: method.resolvedRequestType!, res: method.resolvedResponseType!,
    });
  }
  routes = [...seen.values()];
  return routes;
}

export const routeOf = (call: ChainCall) => chainRoutes().find((r) => r.grpcPath === `/${call.service}/${call.method}`)!;

/** The committed .proto of a service: its messages are the real ones, field for field. Its folder is the domain in splitbench.<domain>.<Service>. */
function protoFile(call: ChainCall): string {
  return path.join(projectRoot(), 'targets/contracts/proto', call.service.split('.')[1], `${call.to}.proto`);
}

/** Found by walking up to package.json: the same from dist/ and from the TypeScript sources (vitest). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('bare chain: cannot find the project root (package.json)');
    dir = up;
  }
  return dir;
}

/** What a node's answer weighs on the wire: JSON text for http, protobuf bytes for grpc and tcp. */
export function encodedSize(transport: ChainTransport, type: protobuf.Type, message: Record<string, unknown>): number {
  return transport === 'http' ? Buffer.byteLength(JSON.stringify(message)) : type.encode(message).finish().length;
}
