import { rpc, service } from '../../kit/contract.js';
import { Ack, Event } from '../common.js';

export const Fulfillment = service('splitbench.logistics.Fulfillment', {
  /** order.paid consumer: commits the reservation and books the shipment. */
  onOrderPaid: rpc({ input: Event, output: Ack, idempotent: true }),
});
