import { rpc, service } from '../../kit/contract.js';
import { int, msg } from '../../kit/schema.js';
import { BatchAck, EventBatch } from '../common.js';

export const Analytics = service('splitbench.platform.Analytics', {
  onOrdersCreated: rpc({ input: EventBatch, output: BatchAck, idempotent: true }),
  summary: rpc({ input: msg({}), output: msg({ orders: int(), revenueCents: int() }), idempotent: true }),
});
