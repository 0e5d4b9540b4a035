import { rpc, service } from '../../kit/contract.js';
import { bool, list, msg, str } from '../../kit/schema.js';

export const Operations = service('splitbench.platform.Operations', {
  /** Feature flags and maintenance switches read by the gateway. */
  flags: rpc({ input: msg({}), output: msg({ flags: list(msg({ name: str(), enabled: bool() }, 'Flag')) }), idempotent: true }),
});
