import { describe, expect, it } from 'vitest';
import { parseWiring } from './placement.js';

describe('parseWiring', () => {
  it('places 21 services in 1, 6 and 21 processes', () => {
    expect(parseWiring('monolith').groups).toHaveLength(1);
    expect(parseWiring('domains/http').groups.map((g) => g.services.length)).toEqual([3, 4, 4, 3, 3, 4]);
    expect(parseWiring('services/grpc').groups).toHaveLength(21);
    expect(new Set(parseWiring('services/grpc').groups.flatMap((g) => g.services)).size).toBe(21);
  });
  it('extracts named services as satellites of the monolith', () => {
    const w = parseWiring('extract:payment,warehouse/grpc');
    expect(w.transport).toBe('grpc');
    expect(w.groups.map((g) => g.name)).toEqual(['main', 'payment', 'warehouse']);
    expect(w.groups[0].services).toHaveLength(19);
  });
  it('rejects unknown wirings and services with a message that lists the choices', () => {
    expect(() => parseWiring('services/soap')).toThrow(/unknown wiring "services\/soap": expected one of: monolith/);
    expect(() => parseWiring('extract:paymnt/http')).toThrow(/unknown service "paymnt"/);
  });
});
