import { rpc, service } from '../../kit/contract.js';
import { int, list, msg, num, str } from '../../kit/schema.js';

export const Search = service('splitbench.product.Search', {
  query: rpc({
    input: msg({ q: str(1, 100), limit: int(1, 50) }),
    output: msg({ hits: list(msg({ sku: str(), name: str(), category: str(), score: num() }, 'Hit')) }),
    idempotent: true,
  }),
});
