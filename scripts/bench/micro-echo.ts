// The micro benchmarks' echo service and its payload, shared by the benchmark and its server child.
// The message is the checkout confirm answer itself, so every hop carries what a real checkout
// returns and the serialization rows measure the same bytes the hops move.
import { Checkout } from '../../targets/contracts/commerce/checkout.js';
import { rpc, service, type Out } from '../../targets/kit/contract.js';
import type { Handler } from '../../targets/kit/handler.js';

const ConfirmResult = Checkout.methods.confirm.output;

export const Echo = service('splitbench.bench.Echo', {
  echo: rpc({ input: ConfirmResult, output: ConfirmResult, idempotent: true }),
});

export type ConfirmAnswer = Out<typeof Checkout.methods.confirm>;

/** A typical answer: two lines, as the k6 checkout mix sends (one in three carries a second line). */
export const CONFIRM_ANSWER: ConfirmAnswer = {
  orderId: 'ord-3f9a1c0b7d2e4a6f8b1c',
  status: 'PAID',
  currency: 'EUR',
  subtotalCents: 12_998,
  discountCents: 1_300,
  taxCents: 2_222,
  shippingCents: 499,
  totalCents: 14_419,
  lines: [
    { sku: 'SKU-000417', qty: 2, unitCents: 4_999, lineCents: 9_998 },
    { sku: 'SKU-002931', qty: 1, unitCents: 3_000, lineCents: 3_000 },
  ],
};

/** The handler does nothing but answer, so a hop's time is the boundary's alone. */
export const echoApi: Record<string, Handler> = { echo: async (input) => input };
