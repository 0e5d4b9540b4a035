import { rpc, service } from '../../kit/contract.js';
import { int, msg, str } from '../../kit/schema.js';
import { BatchAck, EventBatch } from '../common.js';

export const Customer = service('splitbench.identity.Customer', {
  get: rpc({
    input: msg({ customerId: str(1, 64) }),
    output: msg({ customerId: str(), userId: str(), name: str(), tier: str(), country: str(), currency: str(), ltvCents: int() }),
    errors: ['UNKNOWN_CUSTOMER'], idempotent: true,
  }),
  /** order.created consumer: adds each order total to its customer's lifetime value. */
  onOrdersCreated: rpc({ input: EventBatch, output: BatchAck, idempotent: true }),
});
