import { Review } from '../../../contracts/postpurchase/review.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(Review, { deps: {}, schema }, ({ db }) => ({
  async summary({ sku }, ctx) {
    const { rows } = await db.query({
      name: 'review.summary',
      text: `SELECT count(*)::int AS count, coalesce(round(avg(rating)::numeric, 2), 0)::float8 AS average
             FROM reviews WHERE sku = $1`,
      values: [sku],
    }, ctx);
    return { sku, count: rows[0].count, averageRating: rows[0].average };
  },
}));
