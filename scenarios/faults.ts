// Faults are scenario data: a timeline of what goes wrong when, validated like the rest of the file.
// Times are seconds into the measured phase (after the warm-up), so "before the fault" is measured too.
// What a fault hits is named as the topology names it (a service, a domain, a link between two of
// them); which proxies or processes that means is the wiring's business (targets/wirings/links.ts).
import { SERVICES } from '../targets/services.js';

export const FAULT_KINDS = ['kill', 'latency', 'jitter', 'reset', 'partition', 'slow-db', 'db-restart'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  atS: number;
  /** kill: how long the process stays down before the supervisor restarts it (0: at once). */
  durationS: number;
  /** latency, jitter, reset, partition: "caller→callee", each a service or a domain ("commerce→logistics"). */
  link?: string;
  /** kill: the service whose process is killed (in the monolith, that is the whole system). */
  service?: string;
  /** slow-db, db-restart: whose database. */
  domain?: string;
  /** latency, slow-db: added to every answer on the link; jitter: the ± spread around it. */
  ms?: number;
  /** latency: a ± spread on top of ms (uniform, Toxiproxy's). */
  jitterMs?: number;
}

/** The two ends of a link, as named: a service or a domain each. */
export function linkEnds(link: string): [string, string] | undefined {
  const m = /^\s*([a-z]+)\s*(?:→|->)\s*([a-z]+)\s*$/.exec(link);
  return m ? [m[1], m[2]] : undefined;
}

const FIELDS: Record<FaultKind, { need: (keyof Fault)[]; allow: (keyof Fault)[] }> = {
  kill: { need: ['service'], allow: [] },
  latency: { need: ['link', 'ms'], allow: ['jitterMs'] },
  jitter: { need: ['link', 'ms'], allow: [] },
  reset: { need: ['link'], allow: [] },
  partition: { need: ['link'], allow: [] },
  'slow-db': { need: ['domain', 'ms'], allow: ['jitterMs'] },
  'db-restart': { need: ['domain'], allow: [] },
};

/** Problems are pushed as "faults[i].field: …"; the parsed list is returned for the caller to keep when there are none. */
export function parseFaults(raw: unknown, durationS: number, problems: string[]): Fault[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`faults: expected a list like [{"kind": "kill", "service": "payment", "atS": 10, "durationS": 0}], got ${JSON.stringify(raw)}`);
    return [];
  }
  const nodes = [...SERVICES.names, ...SERVICES.domains];
  const faults: Fault[] = [];
  raw.forEach((f: any, i: number) => {
    const at = `faults[${i}]`;
    const bad = (field: string, expected: string, got: unknown) => problems.push(`${at}.${field}: expected ${expected}, got ${JSON.stringify(got)}`);
    if (typeof f !== 'object' || f === null || Array.isArray(f)) return bad('', 'an object', f);
    if (!FAULT_KINDS.includes(f.kind)) return bad('kind', `one of ${FAULT_KINDS.join(', ')}`, f.kind);
    const kind = f.kind as FaultKind;
    const { need, allow } = FIELDS[kind];
    for (const k of Object.keys(f)) {
      if (!['kind', 'atS', 'durationS', ...need, ...allow].includes(k)) problems.push(`${at}.${k}: not a field of a ${kind} fault (its fields: atS, durationS, ${[...need, ...allow].join(', ')})`);
    }
    for (const k of need) if (f[k] === undefined) problems.push(`${at}.${k}: a ${kind} fault needs it`);
    const number = (field: string, v: unknown, min: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min) bad(field, `a number ≥ ${min}`, v);
    };
    number('atS', f.atS, 0);
    number('durationS', f.durationS, kind === 'kill' ? 0 : 0.5);
    if (f.ms !== undefined) number('ms', f.ms, 1);
    if (f.jitterMs !== undefined) number('jitterMs', f.jitterMs, 0);
    if (typeof f.atS === 'number' && typeof f.durationS === 'number' && f.atS + f.durationS > durationS) {
      problems.push(`${at}: ends at ${f.atS + f.durationS} s, after the measured phase (durationS ${durationS}): its recovery could not be seen`);
    }
    if (f.service !== undefined && !SERVICES.names.includes(f.service)) bad('service', `a service (${SERVICES.names.join(', ')})`, f.service);
    if (f.service === 'gateway') problems.push(`${at}.service: the gateway is the front door the driver measures through; kill a service behind it`);
    if (f.domain !== undefined && !SERVICES.domains.includes(f.domain)) bad('domain', `a domain (${SERVICES.domains.join(', ')})`, f.domain);
    if (f.link !== undefined) {
      const ends = typeof f.link === 'string' ? linkEnds(f.link) : undefined;
      if (!ends) bad('link', '"caller→callee", e.g. "checkout→warehouse" or "commerce→logistics"', f.link);
      else for (const end of ends) if (!nodes.includes(end)) problems.push(`${at}.link: "${end}" is neither a service nor a domain (services: ${SERVICES.names.join(', ')}; domains: ${SERVICES.domains.join(', ')})`);
    }
    faults.push({ kind, atS: f.atS, durationS: f.durationS, ...pick(f, [...need, ...allow]) });
  });
  const spans = faults.map((f, i) => ({ i, from: f.atS, to: f.atS + f.durationS })).sort((a, b) => a.from - b.from);
  for (let k = 1; k < spans.length; k++) {
    if (spans[k].from < spans[k - 1].to) problems.push(`faults[${spans[k].i}]: overlaps faults[${spans[k - 1].i}]; one fault at a time, so each window's cost is its own`);
  }
  return faults.sort((a, b) => a.atS - b.atS);
}

/** What a fault aims at, in words: "checkout→warehouse", "payment", "logistics". */
export const faultTarget = (f: Fault) => f.link ?? f.service ?? f.domain ?? '';

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
