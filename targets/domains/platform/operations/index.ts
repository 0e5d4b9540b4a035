import { Operations } from '../../../contracts/platform/operations.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(Operations, { deps: {}, schema }, ({ db }) => ({
  async flags(_input, ctx) {
    const { rows } = await db.query({ name: 'operations.flags', text: 'SELECT name, enabled FROM flags ORDER BY name' }, ctx);
    return { flags: rows.map((r) => ({ name: r.name, enabled: r.enabled })) };
  },
}));
