// Integer money maths shared by the seed (overrides) and the quote, so both agree to the cent.

export const INT32_MAX = 2_147_483_647;

/** n / d rounded half up, for non-negative integers (exact while n stays below 2^53). */
export const divRound = (n: number, d: number) => Math.floor((n + d / 2) / d);

/** USD cents to the currency's minor units at a rate in parts per million. */
export const convert = (usdCents: number, ppm: number) => divRound(usdCents * ppm, 1_000_000);

/** The largest amount ending in 99 that does not exceed the given price (a "charm price"). */
export const charmPrice = (cents: number) => Math.floor((cents - 99) / 100) * 100 + 99;
