// Links: a Toxiproxy proxy on every remote boundary of a wiring — each caller process → each process it
// calls, and each process → each of its domains' Postgres — so that faults (and link profiles) act on
// real sockets while the services dial what they are told (supervisor.ts `route`) and never know.
// What a fault means (which boundaries, which toxics) is the bench's (scripts/bench/faults.ts).
import type { DbUrls } from '../db/domains.js';
import type { Contract } from '../kit/contract.js';
import { SERVICES } from '../services.js';
import { domainsOf, groupOf, type Group, type Wiring } from './placement.js';
import { freePorts, type Routes } from './supervisor.js';
import type { ToxicSpec as Toxic, Toxiproxy } from './toxiproxy.js';

export interface Boundary {
  /** Toxiproxy's name for it (ASCII: it is a URL path segment). */
  proxy: string;
  /** How tables name it: "checkout→warehouse", "payment→db commerce". */
  label: string;
  from: string;
  /** The process called, or undefined for a database. */
  to?: string;
  domain?: string;
}


/** The process → process boundaries a wiring's calls cross: every dependency whose callee lives elsewhere. */
export function callBoundaries(wiring: Wiring): { from: string; to: string }[] {
  const pairs = new Set<string>();
  for (const group of wiring.groups) {
    for (const service of group.services) {
      for (const dep of Object.values(SERVICES.implementation(service).deps as Record<string, Contract>)) {
        const to = groupOf(wiring, dep.name).name;
        if (to !== group.name) pairs.add(`${group.name} ${to}`);
      }
    }
  }
  return [...pairs].map((p) => { const [from, to] = p.split(' '); return { from, to }; });
}

/** The proxies of one started wiring: made by `route` (handed to startWiring), removed by `close`. */
export class WiringLinks {
  readonly boundaries: Boundary[] = [];
  private wiring?: Wiring;

  /**
   * `link`: toxics every process → process proxy carries from its creation, before any connection
   * opens (a link profile); `databases: false` leaves the processes' Postgres connections direct.
   */
  constructor(private readonly tp: Toxiproxy, private readonly tag: string, private readonly options: { link?: Toxic[]; databases?: boolean } = {}) {}

  readonly route = async (at: { wiring: Wiring; peers: Record<string, string>; dbUrls: DbUrls; taken: number[] }): Promise<Routes> => {
    this.wiring = at.wiring;
    const calls = callBoundaries(at.wiring);
    const dbs = this.options.databases === false ? [] : at.wiring.groups.flatMap((g) => domainsOf(g).map((domain) => ({ from: g.name, domain })));
    const ports = await freePorts(calls.length + dbs.length, undefined, at.taken);
    const peerVia = new Map<string, string>();
    const dbVia = new Map<string, string>();
    let i = 0;
    for (const { from, to } of calls) {
      const b: Boundary = { proxy: `${this.tag}_${from}_${to}`, label: `${from}→${to}`, from, to };
      const listen = `127.0.0.1:${ports[i++]}`;
      await this.tp.createProxy(b.proxy, at.peers[to], listen);
      for (const toxic of this.options.link ?? []) await this.tp.addToxic(b.proxy, toxic);
      this.boundaries.push(b);
      peerVia.set(`${from} ${to}`, listen);
    }
    for (const { from, domain } of dbs) {
      const url = new URL(at.dbUrls[domain]);
      const b: Boundary = { proxy: `${this.tag}_${from}_db_${domain}`, label: `${from}→db ${domain}`, from, domain };
      const listen = `127.0.0.1:${ports[i++]}`;
      await this.tp.createProxy(b.proxy, url.host, listen);
      this.boundaries.push(b);
      url.host = listen;
      dbVia.set(`${from} ${domain}`, url.toString());
    }
    return {
      peers: (group) => Object.fromEntries(Object.entries(at.peers).map(([to, address]) => [to, peerVia.get(`${group} ${to}`) ?? address])),
      dbUrls: (group) => Object.fromEntries(Object.entries(at.dbUrls).map(([domain, url]) => [domain, dbVia.get(`${group} ${domain}`) ?? url])),
    };
  };

  /** The process → process boundaries from where `from` runs to where `to` runs (each a service or a domain). */
  between(from: string, to: string): Boundary[] {
    const wiring = this.started();
    const [a, b] = [groupsOf(wiring, from), groupsOf(wiring, to)];
    return this.boundaries.filter((bd) => bd.to && a.some((g) => g.name === bd.from) && b.some((g) => g.name === bd.to));
  }

  /** Every process's boundary to a domain's database. */
  toDatabase(domain: string): Boundary[] { return this.boundaries.filter((b) => b.domain === domain); }

  /** Puts toxics on the boundaries; the answer takes them off again. */
  async poison(boundaries: Boundary[], toxics: Toxic[]): Promise<() => Promise<void>> {
    await Promise.all(boundaries.flatMap((b) => toxics.map((t) => this.tp.addToxic(b.proxy, t))));
    return async () => { await Promise.all(boundaries.flatMap((b) => toxics.map((t) => this.tp.removeToxic(b.proxy, t.name)))); };
  }

  /** Takes the proxies down (open connections cut, new ones refused); the answer brings them up again. */
  async cut(boundaries: Boundary[]): Promise<() => Promise<void>> {
    await Promise.all(boundaries.map((b) => this.tp.setEnabled(b.proxy, false)));
    return async () => { await Promise.all(boundaries.map((b) => this.tp.setEnabled(b.proxy, true))); };
  }

  private started(): Wiring {
    if (!this.wiring) throw new Error('links: the wiring has not been started through route()');
    return this.wiring;
  }

  /** Removes this wiring's proxies (after its processes stopped). */
  async close(): Promise<void> {
    await Promise.all(this.boundaries.map((b) => this.tp.deleteProxy(b.proxy)));
    this.boundaries.length = 0;
  }
}

/** The processes that host a service, or any service of a domain. */
function groupsOf(wiring: Wiring, end: string): Group[] {
  if (SERVICES.domains.includes(end)) return wiring.groups.filter((g) => g.services.some((s) => SERVICES.domainOf(s) === end));
  return [groupOf(wiring, end)];
}
