import { Catalog } from '../../../contracts/product/catalog.js';
import { notFound } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(Catalog, { deps: {}, schema }, ({ db }) => ({
  // The left join keeps one row per requested SKU, in request order, so unknown SKUs show up as nulls.
  async getProducts({ skus }, ctx) {
    const { rows } = await db.query({
      name: 'catalog.getProducts',
      text: `SELECT r.sku, p.name, p.category, p.weight_grams, p.active
             FROM unnest($1::text[]) WITH ORDINALITY AS r(sku, n) LEFT JOIN products p ON p.sku = r.sku
             ORDER BY r.n`,
      values: [skus],
    }, ctx);
    const unknown = [...new Set(rows.filter((r) => r.name === null).map((r) => r.sku as string))];
    if (unknown.length > 0) throw notFound('UNKNOWN_SKU', `unknown SKU ${unknown.map((s) => `"${s}"`).join(', ')}`);
    return { products: rows.map((r) => ({ sku: r.sku, name: r.name, category: r.category, weightGrams: r.weight_grams, active: r.active })) };
  },
}));
