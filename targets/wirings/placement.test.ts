import { describe, expect, it } from 'vitest';
import { SERVICES } from '../services.js';
import { parseWiring } from './placement.js';

describe('parseWiring', () => {
  it('places every service in one process, one per domain, one per service', () => {
    const n = SERVICES.names.length;
    expect(parseWiring('monolith').groups.map((g) => g.services)).toEqual([SERVICES.names]);
    expect(parseWiring('domains/http').groups.map((g) => [g.name, g.services])).toEqual(SERVICES.domains.map((d) => [d, SERVICES.servicesIn(d)]));
    expect(parseWiring('services/grpc').groups).toHaveLength(n);
    expect(new Set(parseWiring('services/grpc').groups.flatMap((g) => g.services)).size).toBe(n);
  });
  it('extracts named services as satellites of the monolith', () => {
    const w = parseWiring('extract:payment,warehouse/grpc');
    expect(w.transport).toBe('grpc');
    expect(w.groups.map((g) => g.name)).toEqual(['main', 'payment', 'warehouse']);
    expect(w.groups[0].services).toHaveLength(SERVICES.names.length - 2);
  });
  it('rejects unknown wirings and services with a message that lists the choices', () => {
    expect(() => parseWiring('services/soap')).toThrow(/unknown wiring "services\/soap": expected one of: monolith/);
    expect(() => parseWiring('extract:paymnt/http')).toThrow(/unknown service "paymnt"/);
  });
});
