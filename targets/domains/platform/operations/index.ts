import { Operations } from '../../../contracts/platform/operations.js';
import { implement } from '../../../kit/implement.js';

export default implement(Operations, { deps: {} }, ({ db }) => ({
  async flags() {
    const { rows } = await db.query({ name: 'operations.flags', text: 'SELECT name, enabled FROM flags ORDER BY name' });
    return { flags: rows.map((r) => ({ name: r.name, enabled: r.enabled })) };
  },
}));
