import { rpc, service } from '../../kit/contract.js';
import { int, msg, str } from '../../kit/schema.js';
import { Ack, Event } from '../common.js';

export const Customer = service('splitbench.identity.Customer', {
  get: rpc({
    input: msg({ customerId: str(1, 64) }),
    output: msg({ customerId: str(), userId: str(), name: str(), tier: str(), country: str(), currency: str(), ltvCents: int() }),
    errors: ['UNKNOWN_CUSTOMER'], idempotent: true,
  }),
  /** order.created consumer: adds the order total to the customer's lifetime value. */
  onOrderCreated: rpc({ input: Event, output: Ack, idempotent: true }),
});
