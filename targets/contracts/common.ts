// Messages shared by several contracts.
import { int, msg, str } from '../kit/schema.js';

export const Line = msg({ sku: str(1, 32), qty: int(1, 1000) }, 'Line');
export const PricedLine = msg({ sku: str(), qty: int(), unitCents: int(), lineCents: int() }, 'PricedLine');

/** An outbox event as delivered to a consumer; consumers deduplicate by eventId. */
export const Event = msg({
  eventId: str(1, 64), type: str(1, 64), orderId: str(), customerId: str(), totalCents: int(),
  reservationId: str(), zone: str(), weightGrams: int(),
}, 'Event');
export const Ack = msg({ eventId: str(), processed: int(0, 1) }, 'Ack');
