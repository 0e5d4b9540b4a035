// What a list of implementations says about the system (targets/services.ts holds the one list): its
// domains, which service lives where, every contract and schema, who consumes which event. Derived
// here so that the list stays one import and one entry per service, and so that code below the list
// (db/) can be handed it without importing it.
import type { Contract } from './contract.js';
import type { Implementation, Subscribers } from './implement.js';

export interface ServiceList {
  implementations: readonly Implementation<any, any>[];
  contracts: readonly Contract[];
  /** Service names, in list order. */
  names: readonly string[];
  /** One database each, in the order of their first service in the list. */
  domains: readonly string[];
  subscribers: Subscribers;
  /** The services that consume an event type. */
  consumersOf(event: string): string[];
  implementation(service: string): Implementation<any, any>;
  domainOf(service: string): string;
  servicesIn(domain: string): string[];
}

export function serviceList(implementations: readonly Implementation<any, any>[]): ServiceList {
  const byName = new Map<string, Implementation<any, any>>();
  for (const impl of implementations) {
    if (byName.has(impl.contract.name)) throw new Error(`service "${impl.contract.name}" is listed twice`);
    byName.set(impl.contract.name, impl);
  }
  const names = [...byName.keys()];
  const implementation = (service: string) => {
    const impl = byName.get(service);
    if (!impl) throw new Error(`unknown service "${service}"; services are: ${names.join(', ')}`);
    return impl;
  };
  const subscribers: Subscribers = {};
  for (const impl of implementations) {
    for (const [event, method] of Object.entries(impl.subscriptions as Record<string, string>)) (subscribers[event] ??= {})[impl.contract.name] = method;
  }
  return {
    implementations,
    contracts: implementations.map((i) => i.contract),
    names,
    domains: [...new Set(implementations.map((i) => i.contract.domain))],
    subscribers,
    consumersOf: (event) => Object.keys(subscribers[event] ?? {}),
    implementation,
    domainOf: (service) => implementation(service).contract.domain,
    servicesIn: (domain) => implementations.filter((i) => i.contract.domain === domain).map((i) => i.contract.name),
  };
}
