import { Search } from '../../../contracts/product/search.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(Search, { deps: {}, schema }, ({ db }) => ({
  // Ordered by the rounded score that is returned, so equal scores visibly fall back to SKU order.
  async query({ q, limit }, ctx) {
    const { rows } = await db.query({
      name: 'search.query',
      text: `SELECT sku, name, category, round(ts_rank(tsv, query)::numeric, 4)::float8 AS score
             FROM documents, plainto_tsquery('simple', $1) AS query
             WHERE tsv @@ query
             ORDER BY score DESC, sku
             LIMIT $2`,
      values: [q, limit],
    }, ctx);
    return { hits: rows.map((r) => ({ sku: r.sku, name: r.name, category: r.category, score: r.score })) };
  },
}));
