// What to send next: a seeded weighted pick from the scenario's mix (the same sequence on every run
// and every wiring), built by the front-door request builders. A return needs an order this run has
// placed, so successful checkouts feed a queue of orders to return.
import { rng } from '../gate/random.js';
import type { SeedSize } from '../../targets/db/seed-data.js';
import { WORKFLOWS, browseRequest, checkoutRequest, customerOfCheckout, historyRequest, returnRequest, searchRequest, type FrontDoorRequest, type Workflow } from '../../scenarios/requests.js';

export interface Pick { request: FrontDoorRequest; /** For a checkout: whose order it will be. */ customer?: number; }

export class Workload {
  private readonly random: () => number;
  private readonly choices: { workflow: Workflow; upTo: number }[] = [];
  private readonly total: number;
  /** Per-workflow sequence numbers: they make idempotency keys unique within a run. */
  private readonly counters: Record<Workflow, number> = { checkout: 0, browse: 0, search: 0, history: 0, return: 0 };
  private readonly orders: { orderId: string; customer: number }[] = [];
  /** How many picked returns went out as a history request because no order was there to return yet. */
  returnsReplaced = 0;

  constructor(mix: Partial<Record<Workflow, number>>, private readonly size: SeedSize, private readonly runTag: string, seed = 0x5eed) {
    this.random = rng(seed);
    let sum = 0;
    for (const w of WORKFLOWS) {
      const weight = mix[w] ?? 0;
      if (weight > 0) this.choices.push({ workflow: w, upTo: (sum += weight) });
    }
    this.total = sum;
    if (sum === 0) throw new Error('the scenario mix has no workflow with a weight above 0');
  }

  next(): Pick {
    const x = this.random() * this.total;
    let workflow = (this.choices.find((c) => x < c.upTo) ?? this.choices[this.choices.length - 1]).workflow;
    if (workflow === 'return') {
      // Oldest first: the order most likely to have settled everywhere.
      const order = this.orders.shift();
      if (order) return { request: returnRequest(order.orderId, order.customer, this.runTag) };
      this.returnsReplaced++;
      workflow = 'history';
    }
    const n = this.counters[workflow]++;
    switch (workflow) {
      case 'checkout': return { request: checkoutRequest(n, this.size, this.runTag), customer: customerOfCheckout(n, this.size) };
      case 'browse': return { request: browseRequest(n, this.size) };
      case 'search': return { request: searchRequest(n) };
      default: return { request: historyRequest(n, this.size) };
    }
  }

  orderPlaced(orderId: string, customer: number): void {
    this.orders.push({ orderId, customer });
  }
}

/** The order id in a checkout's answer, when it placed one. */
export function orderIdOf(body: string | undefined): string | undefined {
  try {
    const id = JSON.parse(body ?? '').orderId;
    return typeof id === 'string' && id ? id : undefined;
  } catch {
    return undefined;
  }
}
