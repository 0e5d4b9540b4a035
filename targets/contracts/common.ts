// Messages shared by several contracts.
import { int, list, msg, str } from '../kit/schema.js';

export const Line = msg({ sku: str(1, 32), qty: int(1, 1000) }, 'Line');
export const PricedLine = msg({ sku: str(), qty: int(), unitCents: int(), lineCents: int() }, 'PricedLine');

/** An outbox event as delivered to a consumer; consumers deduplicate by eventId. */
export const Event = msg({
  eventId: str(1, 64), type: str(1, 64), orderId: str(), customerId: str(), totalCents: int(),
  reservationId: str(), zone: str(), weightGrams: int(),
}, 'Event');
/** Most events one delivery carries: the relay's batch, with room to spare. */
export const MAX_EVENTS_PER_BATCH = 1000;
/** A batch of events for one consumer: one call, one transaction on the consumer's side. */
export const EventBatch = msg({ events: list(Event, 1, MAX_EVENTS_PER_BATCH) }, 'EventBatch');
/**
 * What a consumer did with a batch: how many events it applied for the first time (a redelivered one
 * counts 0), and the events it could not apply and left untouched, each with its reason, so that one
 * bad event never fails the others of its batch.
 */
export const BatchAck = msg({
  processed: int(0),
  failed: list(msg({ eventId: str(), reason: str(), message: str() }, 'EventFailure'), 0, MAX_EVENTS_PER_BATCH),
}, 'BatchAck');
