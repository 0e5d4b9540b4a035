// What crosses a wiring's process boundaries, from a cell's measured edges: synchronous calls, event
// deliveries (the outbox relay calling a subscriber, and what a subscriber that only handles events calls
// in turn), and their payload bytes. Which edge is an event is derived from the services' own
// declarations (their deps and subscriptions), not listed by hand.
import type { Contract } from '../../targets/kit/contract.js';
import { SERVICES } from '../../targets/services.js';
import { groupOf, parseWiring } from '../../targets/wirings/placement.js';
import type { Crossing } from '../../results/advise.js';
import type { Cell } from '../../results/run.js';

const depsOf = (s: string) => Object.values(SERVICES.implementation(s).deps as Record<string, Contract>).map((c) => c.name);
const subscribes = (s: string) => Object.keys(SERVICES.implementation(s).subscriptions).length > 0;

/** A service whose every dependency is a subscriber: it calls them only to deliver its events (the relay). */
const RELAYS = SERVICES.names.filter((s) => depsOf(s).length > 0 && depsOf(s).every(subscribes));
/** Subscribers that only a relay calls: all they do is handle events. */
const EVENT_ONLY = SERVICES.names.filter((s) => subscribes(s) && SERVICES.names.every((caller) => RELAYS.includes(caller) || !depsOf(caller).includes(s)));

export const isEventEdge = (from: string, to: string) => (RELAYS.includes(from) && subscribes(to)) || EVENT_ONLY.includes(from);

export function crossing(cell: Cell): Crossing {
  const wiring = parseWiring(cell.wiring);
  const requests = cell.driver.workflows.find((w) => w.workflow === 'all')?.latencyMs.count || cell.driver.sent || 1;
  const checkoutOnly = cell.driver.workflows.every((w) => w.workflow === 'all' || w.workflow === 'checkout');
  const checkouts = cell.driver.workflows.find((w) => w.workflow === 'checkout')?.latencyMs.count ?? 0;
  const edges = cell.edges
    .filter((e) => groupOf(wiring, e.from).name !== groupOf(wiring, e.to).name)
    .map((e) => ({ from: e.from, to: e.to, calls: e.calls, event: isEventEdge(e.from, e.to), rttP50Us: e.rttUs.p50, bytes: e.calls * (e.requestBytesMean + e.responseBytesMean) }));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const sync = sum(edges.filter((e) => !e.event).map((e) => e.calls));
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    callsPerRequest: round(sync / requests),
    callsPerCheckout: checkoutOnly && checkouts > 0 ? round(sync / checkouts) : null,
    eventCallsPerRequest: round(sum(edges.filter((e) => e.event).map((e) => e.calls)) / requests),
    bytesPerRequest: Math.round(sum(edges.map((e) => e.bytes)) / requests),
    edges: edges.map(({ bytes: _bytes, ...e }) => e),
  };
}
