// The fault timeline is validated like the rest of a scenario: every problem named with its field.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkEnds } from './faults.js';
import { SCENARIO_DIR, ScenarioError, loadScenario, parseScenario } from './scenario.js';

const BASE = { name: 'f', mix: { checkout: 1 }, arrival: { model: 'constant', rateRps: 10 }, durationS: 30, warmupS: 1 };
const parse = (faults: unknown, extra: Record<string, unknown> = {}) => parseScenario({ ...BASE, faults, ...extra }, 'f.json');
const problem = (faults: unknown, extra: Record<string, unknown> = {}) => {
  try {
    parse(faults, extra);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('parsed without a problem');
};

describe('scenario faults', () => {
  it('a scenario without faults has an empty timeline and no client retries', () => {
    const s = parseScenario(BASE, 'f.json');
    expect(s.faults).toEqual([]);
    expect(s.retry).toBeUndefined();
  });

  it('keeps each kind with its own fields, in time order', () => {
    const s = parse([
      { kind: 'partition', link: 'commerce→logistics', atS: 20, durationS: 5 },
      { kind: 'kill', service: 'payment', atS: 2, durationS: 0 },
      { kind: 'latency', link: 'checkout->warehouse', ms: 200, jitterMs: 20, atS: 5, durationS: 5 },
      { kind: 'slow-db', domain: 'logistics', ms: 50, atS: 12, durationS: 3 },
    ], { retry: { maxRetries: 2, backoffMs: 100 } });
    expect(s.faults.map((f) => [f.kind, f.atS])).toEqual([['kill', 2], ['latency', 5], ['slow-db', 12], ['partition', 20]]);
    expect(s.faults[1]).toEqual({ kind: 'latency', atS: 5, durationS: 5, link: 'checkout->warehouse', ms: 200, jitterMs: 20 });
    expect(s.retry).toEqual({ maxRetries: 2, backoffMs: 100 });
  });

  it('names the field at fault and what was expected', () => {
    expect(problem([{ kind: 'flood', atS: 1, durationS: 1 }])).toMatch(/faults\[0\]\.kind: expected one of kill, latency, jitter, reset, partition, slow-db, db-restart, got "flood"/);
    expect(problem([{ kind: 'kill', atS: 1, durationS: 0 }])).toMatch(/faults\[0\]\.service: a kill fault needs it/);
    expect(problem([{ kind: 'kill', service: 'paymnt', atS: 1, durationS: 0 }])).toMatch(/faults\[0\]\.service: expected a service \(checkout, .*got "paymnt"/);
    expect(problem([{ kind: 'kill', service: 'gateway', atS: 1, durationS: 0 }])).toMatch(/the gateway is the front door/);
    expect(problem([{ kind: 'latency', link: 'checkout warehouse', ms: 5, atS: 1, durationS: 1 }])).toMatch(/faults\[0\]\.link: expected "caller→callee"/);
    expect(problem([{ kind: 'latency', link: 'checkout→depot', ms: 5, atS: 1, durationS: 1 }])).toMatch(/"depot" is neither a service nor a domain/);
    expect(problem([{ kind: 'latency', link: 'checkout→warehouse', atS: 1, durationS: 1 }])).toMatch(/faults\[0\]\.ms: a latency fault needs it/);
    expect(problem([{ kind: 'slow-db', domain: 'inventory', ms: 5, atS: 1, durationS: 1 }])).toMatch(/faults\[0\]\.domain: expected a domain/);
    expect(problem([{ kind: 'reset', link: 'a→b', ms: 5, atS: 1, durationS: 1 }])).toMatch(/faults\[0\]\.ms: not a field of a reset fault/);
    expect(problem([{ kind: 'partition', link: 'commerce→logistics', atS: 28, durationS: 5 }])).toMatch(/faults\[0\]: ends at 33 s, after the measured phase \(durationS 30\)/);
    expect(problem([{ kind: 'partition', link: 'commerce→logistics', atS: -1, durationS: 0 }])).toMatch(/atS: expected a number ≥ 0.*durationS: expected a number ≥ 0.5/);
    expect(problem({ kind: 'kill' })).toMatch(/faults: expected a list/);
    expect(problem([], { retry: { maxRetries: 99, backoffMs: 0, jitter: 1 } })).toMatch(/retry\.jitter: unknown field.*retry\.maxRetries: expected an integer from 0 to 10.*retry\.backoffMs: expected a number > 0/);
  });

  it('refuses overlapping faults: each window is one fault\'s cost', () => {
    expect(problem([
      { kind: 'slow-db', domain: 'logistics', ms: 5, atS: 5, durationS: 10 },
      { kind: 'kill', service: 'payment', atS: 8, durationS: 0 },
    ])).toMatch(/faults\[1\]: overlaps faults\[0\]/);
  });

  it('reads a link both ways of writing it', () => {
    expect(linkEnds('checkout→warehouse')).toEqual(['checkout', 'warehouse']);
    expect(linkEnds(' commerce -> logistics ')).toEqual(['commerce', 'logistics']);
    expect(linkEnds('checkout')).toBeUndefined();
  });

  it('every shipped fault scenario loads and retries as a client would', () => {
    const shipped = fs.readdirSync(SCENARIO_DIR).filter((f) => f.startsWith('faults-') && f.endsWith('.json'));
    expect(shipped.sort()).toEqual(['faults-kill-payment.json', 'faults-partition-commerce-logistics.json', 'faults-slow-logistics-db.json']);
    for (const file of shipped) {
      const s = loadScenario(path.join(SCENARIO_DIR, file));
      expect(s.faults.length, file).toBeGreaterThan(0);
      expect(s.retry?.maxRetries, file).toBeGreaterThan(0);
    }
  });
});
