import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { protoFiles, PROTO_DIR } from '../../scripts/proto.js';
import { Checkout } from '../contracts/commerce/checkout.js';
import { SERVICES } from '../services.js';
import { protoCodecs } from './proto.js';
import { shape } from './schema.js';

describe('generated .proto files', () => {
  it('are committed and match the contracts (run `npm run proto` after changing a contract)', () => {
    const files = protoFiles();
    expect(Object.keys(files)).toHaveLength(SERVICES.contracts.length);
    for (const [file, text] of Object.entries(files)) {
      const committed = fs.readFileSync(path.join(PROTO_DIR, file), 'utf8');
      expect(committed, `${file} drifted from its contract`).toBe(text);
    }
  });

  it('round-trip a message through protobuf to the same value as JSON', () => {
    const codec = protoCodecs(Checkout).confirm;
    const output = Checkout.methods.confirm.output;
    const answer = { orderId: 'ord-1', status: 'PAID', currency: 'EUR', subtotalCents: 1999, discountCents: 0, taxCents: 380, shippingCents: 0, totalCents: 2379, lines: [{ sku: 'SKU-000001', qty: 1, unitCents: 1999, lineCents: 1999 }] };
    const viaProto = codec.decodeResponse(codec.encodeResponse(answer));
    expect(viaProto).toEqual(shape(output, JSON.parse(JSON.stringify(answer))));
    expect(codec.decodeResponse(codec.encodeResponse({ ...answer, lines: [], discountCents: 0 }))).toEqual({ ...answer, lines: [], discountCents: 0 });
  });
});
