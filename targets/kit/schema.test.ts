import { describe, expect, it } from 'vitest';
import { int, list, msg, optional, shape, str, validate } from './schema.js';

const Line = msg({ sku: str(1, 32), qty: int(1, 1000) });
const Body = msg({ lines: list(Line, 1, 3), coupon: optional(str(0, 8)) });

describe('validate', () => {
  it('accepts a valid message and an omitted optional field', () => {
    expect(validate(Body, { lines: [{ sku: 'A', qty: 2 }] })).toEqual([]);
  });
  it('accepts what shape() makes of valid input: an absent optional field holds its default', () => {
    const Query = msg({ q: str(1, 10), limit: optional(int(1, 50)) });
    expect(validate(Query, shape(Query, { q: 'lamp' }))).toEqual([]);
    expect(validate(Query, { q: 'lamp', limit: 51 })).toEqual(['limit: expected an integer in 1…50, got 51']);
  });
  it('names the field, what was expected and what came', () => {
    expect(validate(Body, { lines: [{ sku: 'A', qty: -2 }] })).toEqual(['lines[0].qty: expected an integer in 1…1000, got -2']);
    expect(validate(Body, { lines: [{ sku: 7, qty: 1.5 }] })).toEqual(['lines[0].sku: expected a string, got 7', 'lines[0].qty: expected an integer, got 1.5']);
    expect(validate(Body, { lines: [] })).toEqual(['lines: expected a list of 1–3 items, got 0']);
    expect(validate(Body, { lines: [{ sku: 'A', qty: 1 }], extra: 1 })).toEqual(['extra: unknown field']);
    expect(validate(Body, null)).toEqual(['(body): expected an object, got null']);
    expect(validate(Body, { lines: [{ sku: 'A\u0000B', qty: 1 }] })).toEqual(['lines[0].sku: expected a string without NUL (U+0000), got one at position 1']);
    expect(validate(Body, { lines: [{ sku: 'A', qty: 2 ** 31 }] })).toEqual(['lines[0].qty: expected an integer in 1…1000, got 2147483648']);
    expect(validate(Body, [])).toEqual(['(body): expected an object, got a list']);
  });
});

describe('shape', () => {
  it('keeps exactly the schema fields and fills proto3 defaults', () => {
    expect(shape(Body, { lines: [{ sku: 'A', qty: 1, price: 3 }], secret: 'x' })).toEqual({ lines: [{ sku: 'A', qty: 1 }], coupon: '' });
  });
});
