import { rpc, service } from '../../kit/contract.js';
import { msg, str } from '../../kit/schema.js';

export const User = service('splitbench.identity.User', {
  get: rpc({ input: msg({ userId: str(1, 64) }), output: msg({ userId: str(), email: str(), name: str() }), errors: ['UNKNOWN_USER'], idempotent: true }),
});
