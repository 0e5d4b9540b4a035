import { rpc, service } from '../../kit/contract.js';
import { BatchAck, EventBatch } from '../common.js';

export const Fulfillment = service('splitbench.logistics.Fulfillment', {
  /** order.paid consumer: commits each order's reservation and books its shipment. */
  onOrdersPaid: rpc({ input: EventBatch, output: BatchAck, idempotent: true }),
});
