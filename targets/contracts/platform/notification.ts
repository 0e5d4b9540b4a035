import { rpc, service } from '../../kit/contract.js';
import { Ack, Event } from '../common.js';

export const Notification = service('splitbench.platform.Notification', {
  /** Queues the order confirmation message. */
  onOrderCreated: rpc({ input: Event, output: Ack, idempotent: true }),
});
