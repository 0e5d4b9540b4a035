import { rpc, service } from '../../kit/contract.js';
import { int, msg, num, str } from '../../kit/schema.js';

export const Review = service('splitbench.postpurchase.Review', {
  summary: rpc({ input: msg({ sku: str(1, 32) }), output: msg({ sku: str(), count: int(), averageRating: num() }), idempotent: true }),
});
