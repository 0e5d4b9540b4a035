import { Auth } from '../../../contracts/identity/auth.js';
import { ServiceError } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(Auth, { deps: {}, schema }, ({ db }) => ({
  async verify({ token }, ctx) {
    const { rows } = await db.query({
      name: 'auth.verify',
      text: 'SELECT user_id, customer_id, expires_at > now() AS live FROM tokens WHERE token = $1',
      values: [token],
    }, ctx);
    if (rows.length === 0) throw new ServiceError('UNAUTHENTICATED', 'BAD_TOKEN', 'bearer token is not known');
    if (!rows[0].live) throw new ServiceError('UNAUTHENTICATED', 'TOKEN_EXPIRED', 'bearer token has expired');
    return { customerId: rows[0].customer_id, userId: rows[0].user_id };
  },
}));
