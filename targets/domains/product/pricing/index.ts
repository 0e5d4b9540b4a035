import { Pricing } from '../../../contracts/product/pricing.js';
import { invalid, notFound } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';
import { convert, divRound, INT32_MAX } from './money.js';
import * as schema from './schema.js';

export default implement(Pricing, { deps: {}, schema }, ({ db }) => ({
  // Hot path: one round trip brings each line's base price and override plus the rate and the tax.
  // The left joins keep every requested line (in request order) so unknown values show up as nulls.
  async quote({ lines, currency, country }, ctx) {
    // The transports validate this; an in-process caller is only held to it here.
    if (lines.length === 0) throw invalid('INVALID_INPUT', 'pricing.quote: lines: expected at least one line');
    const { rows } = await db.query({
      name: 'pricing.quote',
      text: `SELECT r.sku, r.qty, p.base_cents, o.unit_cents AS override_cents, f.ppm, t.bp
             FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS r(sku, qty, n)
             LEFT JOIN prices p ON p.sku = r.sku
             LEFT JOIN overrides o ON o.sku = r.sku AND o.currency = $3
             LEFT JOIN fx f ON f.currency = $3
             LEFT JOIN tax_rates t ON t.country = $4
             ORDER BY r.n`,
      values: [lines.map((l) => l.sku), lines.map((l) => l.qty), currency, country],
    }, ctx);
    if (rows[0].ppm === null) throw invalid('UNKNOWN_CURRENCY', `unknown currency "${currency}"`);
    if (rows[0].bp === null) throw invalid('UNKNOWN_COUNTRY', `unknown country "${country}"`);
    const unknown = [...new Set(rows.filter((r) => r.base_cents === null).map((r) => r.sku as string))];
    if (unknown.length > 0) throw notFound('UNKNOWN_SKU', `unknown SKU ${unknown.map((s) => `"${s}"`).join(', ')}`);

    const priced = rows.map((r) => {
      const unitCents: number = r.override_cents ?? convert(r.base_cents, r.ppm);
      return { sku: r.sku as string, qty: r.qty as number, unitCents, lineCents: unitCents * r.qty };
    });
    const subtotalCents = priced.reduce((sum, l) => sum + l.lineCents, 0);
    const taxCents = divRound(subtotalCents * rows[0].bp, 10_000);
    // Amounts travel as int32 in every wiring: refuse a quote whose total would not fit.
    if (subtotalCents + taxCents > INT32_MAX)
      throw invalid('AMOUNT_TOO_LARGE', `quote total ${subtotalCents + taxCents} ${currency} exceeds ${INT32_MAX} minor units`);
    return { lines: priced, subtotalCents, taxCents, currency };
  },
}));
