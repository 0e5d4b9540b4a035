import { rpc, service } from '../../kit/contract.js';
import { int, msg, str } from '../../kit/schema.js';
import { BatchAck, EventBatch } from '../common.js';

export const Loyalty = service('splitbench.postpurchase.Loyalty', {
  onOrdersCreated: rpc({ input: EventBatch, output: BatchAck, idempotent: true }),
  balance: rpc({ input: msg({ customerId: str(1, 64) }), output: msg({ customerId: str(), points: int() }), idempotent: true }),
});
