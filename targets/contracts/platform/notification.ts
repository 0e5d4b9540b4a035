import { rpc, service } from '../../kit/contract.js';
import { BatchAck, EventBatch } from '../common.js';

export const Notification = service('splitbench.platform.Notification', {
  /** Queues each order's confirmation message. */
  onOrdersCreated: rpc({ input: EventBatch, output: BatchAck, idempotent: true }),
});
