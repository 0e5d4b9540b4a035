import { rpc, service } from '../../kit/contract.js';
import { int, msg, str } from '../../kit/schema.js';

export const Payment = service('splitbench.commerce.Payment', {
  /** Deterministic fraud score; DECLINED is an answer, not an error. Idempotent by key. */
  authorize: rpc({
    input: msg({ orderId: str(1, 64), customerId: str(1, 64), amountCents: int(0), currency: str(3, 3), paymentToken: str(1, 64), idempotencyKey: str(1, 128) }),
    output: msg({ paymentId: str(), status: str(), fraudScore: int(), declineReason: str() }),
    idempotent: true,
  }),
  /**
   * Voids the authorization made with this idempotency key (its status becomes VOIDED). Idempotent. The
   * answer's status is the payment's after the call: VOIDED, DECLINED, or NONE when no authorization
   * with that key was ever recorded.
   */
  void: rpc({
    input: msg({ idempotencyKey: str(1, 128) }),
    output: msg({ paymentId: str(), status: str() }),
    errors: ['PAYMENT_REFUNDED'], idempotent: true,
  }),
  refund: rpc({
    input: msg({ paymentId: str(1, 64), amountCents: int(1), idempotencyKey: str(1, 128) }),
    output: msg({ refundId: str(), paymentId: str(), status: str(), amountCents: int() }),
    errors: ['UNKNOWN_PAYMENT', 'REFUND_EXCEEDS_PAYMENT', 'PAYMENT_NOT_AUTHORIZED'], idempotent: true,
  }),
});
