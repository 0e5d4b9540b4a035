import { User } from '../../../contracts/identity/user.js';
import { notFound } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(User, { deps: {}, schema }, ({ db }) => ({
  async get({ userId }, ctx) {
    const { rows } = await db.query({
      name: 'user.get',
      text: 'SELECT user_id, email, name FROM users WHERE user_id = $1',
      values: [userId],
    }, ctx);
    if (rows.length === 0) throw notFound('UNKNOWN_USER', `unknown user "${userId}"`);
    return { userId: rows[0].user_id, email: rows[0].email, name: rows[0].name };
  },
}));
