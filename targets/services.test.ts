// The one service list and what is derived from it: the layout it stands for, and subscriptions that
// can be delivered.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventBatch } from './contracts/common.js';
import { consumersOf } from './domains/commerce/order/relay.js';
import { serviceList } from './kit/service-list.js';
import { SERVICES } from './services.js';

describe('the service list', () => {
  it('puts each service where its contract says: contracts/<domain>/<service>.ts, domains/<domain>/<service>/', () => {
    for (const name of SERVICES.names) {
      const domain = SERVICES.domainOf(name);
      expect(fs.existsSync(`targets/contracts/${domain}/${name}.ts`), name).toBe(true);
      expect(fs.existsSync(`targets/domains/${domain}/${name}/index.ts`), name).toBe(true);
    }
    expect(SERVICES.domains.flatMap(SERVICES.servicesIn).sort()).toEqual([...SERVICES.names].sort());
  });

  it('subscribes only batch methods, and the outbox relay reaches every subscriber through its deps', () => {
    for (const [event, methods] of Object.entries(SERVICES.subscribers)) {
      for (const [service, method] of Object.entries(methods)) {
        expect(SERVICES.implementation(service).contract.methods[method]?.input, `${service}.${method} for ${event}`).toBe(EventBatch);
      }
    }
    const order = SERVICES.implementation('order');
    expect(() => consumersOf(SERVICES.subscribers, order.deps, {})).not.toThrow();
    expect(() => consumersOf({ 'order.created': { review: 'onOrdersCreated' } }, order.deps, {}))
      .toThrow('review subscribes to order.created, but the relay\'s service has no dependency on review');
  });

  it('refuses a service listed twice and names the services when asked for an unknown one', () => {
    const order = SERVICES.implementation('order');
    expect(() => serviceList([order, order])).toThrow('service "order" is listed twice');
    expect(() => SERVICES.implementation('ordr')).toThrow(/unknown service "ordr"; services are: checkout, order, payment, /);
  });
});
