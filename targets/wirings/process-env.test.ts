import { describe, expect, it } from 'vitest';
import { SERVICES } from '../services.js';
import { parsePeers, specFromEnv, specToEnv, type ProcessSpec } from './process-env.js';

const url = (d: string) => `postgres://u:p@db-${d}:5432/${d}`;

describe('a process configured by its environment', () => {
  it('reads back what the supervisor writes', () => {
    const spec: ProcessSpec = {
      wiring: 'domains/http', group: 'commerce', listenHost: '127.0.0.1', rpcPort: 4001, gatewayPort: 4000, healthPort: 4101,
      peers: { commerce: '127.0.0.1:4001', product: '127.0.0.1:4002', logistics: '127.0.0.1:4003', postpurchase: '127.0.0.1:4004', identity: '127.0.0.1:4005', platform: '127.0.0.1:4006' },
      dbUrls: { commerce: url('commerce') }, poolMax: 3, httpConnections: 2, injectDelay: 'payment=5', strict: true,
    };
    expect(specFromEnv(specToEnv(spec))).toEqual(spec);
  });

  it('takes a container\'s short form: a peer template, default ports, its own domains\' URLs only', () => {
    const spec = specFromEnv({
      SPLITBENCH_WIRING: 'services/grpc', SPLITBENCH_GROUP: 'checkout', SPLITBENCH_LISTEN_HOST: '0.0.0.0', SPLITBENCH_PEERS: '{group}:7000',
      SPLITBENCH_DB_COMMERCE: url('commerce'), SPLITBENCH_DB_PRODUCT: url('product'),
    });
    expect(spec.peers.warehouse).toBe('warehouse:7000');
    expect(Object.keys(spec.peers)).toHaveLength(SERVICES.names.length);
    expect([spec.rpcPort, spec.gatewayPort, spec.healthPort]).toEqual([7000, 8080, 9000]);
    expect(spec.dbUrls).toEqual({ commerce: url('commerce') });
  });

  it('names the variable to set when something is missing or wrong', () => {
    expect(() => specFromEnv({})).toThrow(/SPLITBENCH_WIRING is not set/);
    expect(() => specFromEnv({ SPLITBENCH_WIRING: 'domains/grpc', SPLITBENCH_GROUP: 'nope' })).toThrow(/SPLITBENCH_GROUP=nope: domains\/grpc has the processes commerce, product/);
    expect(() => specFromEnv({ SPLITBENCH_WIRING: 'domains/grpc', SPLITBENCH_GROUP: 'platform', SPLITBENCH_PEERS: '{group}:7000' })).toThrow(/SPLITBENCH_DB_PLATFORM is not set/);
    expect(() => specFromEnv({ SPLITBENCH_WIRING: 'domains/grpc', SPLITBENCH_GROUP: 'platform', SPLITBENCH_DB_PLATFORM: url('platform') })).toThrow(/SPLITBENCH_PEERS is not set/);
    expect(() => specFromEnv({ SPLITBENCH_WIRING: 'monolith', SPLITBENCH_GROUP: 'monolith', SPLITBENCH_HEALTH_PORT: 'x', ...Object.fromEntries(['COMMERCE', 'PRODUCT', 'LOGISTICS', 'POSTPURCHASE', 'IDENTITY', 'PLATFORM'].map((d) => [`SPLITBENCH_DB_${d}`, 'postgres://x'])) }))
      .toThrow(/SPLITBENCH_HEALTH_PORT=x: expected a port number/);
    expect(() => parsePeers('a=h:1', ['a', 'b'])).toThrow(/no address for b/);
    expect(() => parsePeers('a=h', ['a'])).toThrow(/"a=h" is not group=host:port/);
  });
});
