import { rpc, service } from '../../kit/contract.js';
import { int, msg } from '../../kit/schema.js';
import { Ack, Event } from '../common.js';

export const Analytics = service('splitbench.platform.Analytics', {
  onOrderCreated: rpc({ input: Event, output: Ack, idempotent: true }),
  summary: rpc({ input: msg({}), output: msg({ orders: int(), revenueCents: int() }), idempotent: true }),
});
