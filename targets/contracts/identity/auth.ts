import { rpc, service } from '../../kit/contract.js';
import { msg, str } from '../../kit/schema.js';

export const Auth = service('splitbench.identity.Auth', {
  verify: rpc({ input: msg({ token: str(1, 256) }), output: msg({ customerId: str(), userId: str() }), errors: ['BAD_TOKEN', 'TOKEN_EXPIRED'], idempotent: true }),
});
