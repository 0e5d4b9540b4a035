// A contract lists the error reasons its callers must handle. Every reason a service raises in its
// own code must be declared by one of its methods (or be one of the boundary's GENERIC_REASONS); the
// reasons it passes on from its callees are checked at run time, by strict mode in the wiring matrix.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERIC_REASONS } from '../kit/errors.js';
import { SERVICES } from '../services.js';

const RAISED = /(?:new ServiceError\('[A-Z_]+',\s*'([A-Z_]+)'|\b(?:invalid|notFound|precondition)\('([A-Z_]+)')/g;

function raisedIn(dir: string): string[] {
  const reasons = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    for (const m of fs.readFileSync(path.join(dir, file), 'utf8').matchAll(RAISED)) reasons.add(m[1] ?? m[2]);
  }
  return [...reasons].sort();
}

describe('declared errors', () => {
  for (const impl of SERVICES.implementations) {
    const service = impl.contract.name;
    it(`${service} raises only reasons its contract declares`, () => {
      const declared = new Set(Object.values(impl.contract.methods).flatMap((m) => m.errors));
      const raised = raisedIn(path.join(import.meta.dirname, impl.contract.domain, service));
      expect(raised.filter((r) => !declared.has(r) && !GENERIC_REASONS.has(r))).toEqual([]);
    });
  }

  it('finds the reasons a service raises (the scan itself works)', () => {
    expect(raisedIn(path.join(import.meta.dirname, 'logistics', 'warehouse'))).toContain('OUT_OF_STOCK');
  });
});
