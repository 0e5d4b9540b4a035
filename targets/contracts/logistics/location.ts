import { rpc, service } from '../../kit/contract.js';
import { msg, str } from '../../kit/schema.js';

export const Location = service('splitbench.logistics.Location', {
  resolve: rpc({ input: msg({ country: str(2, 2) }), output: msg({ country: str(), zone: str(), warehouseId: str() }), errors: ['UNSERVED_COUNTRY'], idempotent: true }),
});
