import { Promotion } from '../../../contracts/product/promotion.js';
import { invalid, precondition } from '../../../kit/errors.js';
import { implement } from '../../../kit/implement.js';
import * as schema from './schema.js';

export default implement(Promotion, { deps: {}, schema }, ({ db }) => ({
  // One round trip: the tier's discount and the coupon (if any) side by side; nulls mean unknown.
  async apply({ coupon, subtotalCents, customerTier }, ctx) {
    const { rows } = await db.query({
      name: 'promotion.apply',
      text: `SELECT t.pct, c.code, c.percent_off, c.amount_off_cents, c.min_subtotal_cents
             FROM (SELECT) AS one
             LEFT JOIN tier_discounts t ON t.tier = $1
             LEFT JOIN coupons c ON c.code = $2`,
      values: [customerTier, coupon],
    }, ctx);
    const r = rows[0];
    if (r.pct === null) throw invalid('UNKNOWN_TIER', `unknown customer tier "${customerTier}"`);
    if (coupon !== '' && r.code === null) throw invalid('UNKNOWN_COUPON', `unknown coupon "${coupon}"`);
    if (r.code !== null && subtotalCents < r.min_subtotal_cents)
      throw precondition('COUPON_MINIMUM_NOT_MET', `coupon "${coupon}" needs a subtotal of at least ${r.min_subtotal_cents} cents, got ${subtotalCents}`);

    const couponPct: number = r.percent_off ?? 0;
    const amountOff: number = r.amount_off_cents ?? 0;
    const discountCents = Math.min(subtotalCents, Math.floor((subtotalCents * (couponPct + r.pct)) / 100) + amountOff);
    return { coupon, discountCents, description: describe(coupon, couponPct, amountOff, customerTier, r.pct) };
  },
}));

function describe(coupon: string, couponPct: number, amountOff: number, tier: string, tierPct: number) {
  const parts: string[] = [];
  if (couponPct > 0) parts.push(`${coupon} ${couponPct}%`);
  if (amountOff > 0) parts.push(`${coupon} ${amountOff} cents off`);
  if (tierPct > 0) parts.push(`${tier} tier ${tierPct}%`);
  return parts.length > 0 ? parts.join(' + ') : 'no discount';
}
