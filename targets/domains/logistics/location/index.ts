import { Location } from '../../../contracts/logistics/location.js';
import { precondition } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(Location, { deps: {}, schema }, ({ db }) => ({
  async resolve({ country }, ctx) {
    const { rows } = await db.query({
      name: 'location.resolve',
      text: 'SELECT zone, warehouse_id FROM zones WHERE country = $1',
      values: [country],
    }, ctx);
    if (rows.length === 0) throw precondition('UNSERVED_COUNTRY', `country "${country}" is not served`);
    return { country, zone: rows[0].zone, warehouseId: rows[0].warehouse_id };
  },
}));
