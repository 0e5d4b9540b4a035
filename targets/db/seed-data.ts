// The deterministic facts every service seeds from, so that catalog, pricing, warehouse, search and
// the identity services agree on the same SKUs and customers without reading each other's tables.
import type { SeedSize } from '../kit/implement.js';

// Defined with the seed hook it sizes; exported here too, for whatever seeds or reads the seed.
export type { SeedSize };

export const DEFAULT_SEED: SeedSize = { skus: 10_000, customers: 1_000 };

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const skuId = (i: number) => `SKU-${pad(i, 6)}`;
export const customerId = (i: number) => `cust-${pad(i, 5)}`;
export const userId = (i: number) => `user-${pad(i, 5)}`;
/** A valid bearer token per customer; tokenExpired(i) is seeded too but past its expiry. */
export const token = (i: number) => `tok-${pad(i, 5)}`;
export const tokenExpired = (i: number) => `tok-expired-${pad(i, 5)}`;

export const CATEGORIES = ['audio', 'books', 'cameras', 'garden', 'kitchen', 'laptops', 'lighting', 'music', 'outdoor', 'phones',
  'shoes', 'sports', 'tools', 'toys', 'travel', 'tv', 'watches', 'wearables', 'office', 'games'];
const ADJECTIVES = ['Compact', 'Deluxe', 'Eco', 'Classic', 'Pro', 'Ultra', 'Smart', 'Travel', 'Rugged', 'Silent', 'Mini', 'Studio'];
const NOUNS = ['Speaker', 'Lamp', 'Backpack', 'Kettle', 'Drill', 'Camera', 'Headphones', 'Novel', 'Tent', 'Watch', 'Keyboard', 'Blender', 'Sneaker', 'Router', 'Puzzle'];

export const category = (i: number) => CATEGORIES[i % CATEGORIES.length];
export const productName = (i: number) => `${ADJECTIVES[(i * 7) % ADJECTIVES.length]} ${NOUNS[(i * 11) % NOUNS.length]} ${category(i)} ${i}`;
export const weightGrams = (i: number) => 100 + ((i * 37) % 4900);
/** Base price in USD cents. */
export const basePriceCents = (i: number) => 499 + ((i * 7919) % 49_500);
/** Every 500th SKU is scarce (one unit): the race for the last unit is tested on these. */
export const isScarce = (i: number) => i % 500 === 0;
export const initialStock = (i: number) => (isScarce(i) ? 1 : 20 + ((i * 13) % 180));
export const scarceSkus = (size: SeedSize) => Array.from({ length: Math.floor(size.skus / 500) }, (_, k) => skuId((k + 1) * 500));

export const COUNTRIES = [
  { country: 'US', currency: 'USD', zone: 'NA', taxBp: 725 },
  { country: 'DE', currency: 'EUR', zone: 'EU', taxBp: 1900 },
  { country: 'FR', currency: 'EUR', zone: 'EU', taxBp: 2000 },
  { country: 'GB', currency: 'GBP', zone: 'EU', taxBp: 2000 },
  { country: 'JP', currency: 'JPY', zone: 'APAC', taxBp: 1000 },
];
/** Units of the currency per USD, in parts per million (integers keep every wiring's arithmetic equal). */
export const FX_PPM: Record<string, number> = { USD: 1_000_000, EUR: 920_000, GBP: 790_000, JPY: 150_000_000 };
export const TIERS = ['standard', 'silver', 'gold'];
/** Percent off the subtotal by tier (promotion applies it with or without a coupon). */
export const TIER_DISCOUNT_PCT: Record<string, number> = { standard: 0, silver: 2, gold: 5 };

export const customerCountry = (i: number) => COUNTRIES[i % COUNTRIES.length];
export const customerTier = (i: number) => TIERS[i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0];
export const customerName = (i: number) => `Customer ${i}`;
export const customerEmail = (i: number) => `customer${i}@example.test`;

export const COUPONS = [
  { code: 'WELCOME10', percentOff: 10, amountOffCents: 0, minSubtotalCents: 0 },
  { code: 'SAVE5', percentOff: 0, amountOffCents: 500, minSubtotalCents: 5_000 },
  { code: 'BIG20', percentOff: 20, amountOffCents: 0, minSubtotalCents: 20_000 },
];

/** Payment tokens with a fixed outcome (as card networks' test cards); any other token is scored. */
export const PAYMENT_OK = 'pm_card_ok';
export const PAYMENT_DECLINED = 'pm_card_declined';

/** Reviews per SKU (0–5) and their ratings: deterministic. */
export const reviewCount = (i: number) => i % 6;
export const reviewRating = (i: number, k: number) => 1 + ((i * 3 + k * 2) % 5);
