// A wiring = which services share a process (topology) + how a call crosses a process boundary
// (transport). Placement is configuration: the business code is the same in every wiring.
import { REMOTE_TRANSPORT_NAMES } from '../kit/transports/index.js';
import { SERVICES } from '../services.js';

/** A remote transport's name (kit/transports/index.ts), or 'inproc' when no call leaves the process. */
export type Transport = string;
/** How a call between two services of the SAME process is made: a local transport, or the remote one over loopback. */
export type LocalCall = 'direct' | 'copy' | 'loopback';

export interface Group { name: string; services: string[]; }
export interface Wiring { name: string; transport: Transport; local: LocalCall; groups: Group[]; }

/** What `npm run bench` runs unless told otherwise (docs/design.md: the five headline wirings). */
export const HEADLINE_WIRINGS = ['monolith', 'domains/http', 'domains/grpc', 'services/http', 'services/grpc'];
/** Every 6- and 21-process wiring of every transport, beside the monolith: what compose and Kubernetes deploy. */
export const DEPLOYED_WIRINGS = ['monolith', ...['domains', 'services'].flatMap((t) => REMOTE_TRANSPORT_NAMES.map((r) => `${t}/${r}`))];
/** One-process wirings that split a boundary's cost into copying, protocol stack and crossing processes. */
export const LADDER_WIRINGS = ['monolith/copy', ...REMOTE_TRANSPORT_NAMES.map((r) => `loopback/${r}`)];
export const EXTRACT_HELP = `extract:<service,…>/<${REMOTE_TRANSPORT_NAMES.join('|')}>`;

const WIRING_HELP = `expected one of: ${[...new Set([...DEPLOYED_WIRINGS, ...LADDER_WIRINGS])].join(', ')}, or ${EXTRACT_HELP}`;
const REMOTE_WIRING = new RegExp(`^(domains|services|loopback|extract:([a-z,]+))/(${REMOTE_TRANSPORT_NAMES.join('|')})$`);

export function parseWiring(name: string): Wiring {
  const all = { name: 'monolith', services: [...SERVICES.names] };
  if (name === 'monolith') return { name, transport: 'inproc', local: 'direct', groups: [all] };
  if (name === 'monolith/copy') return { name, transport: 'inproc', local: 'copy', groups: [all] };
  const m = REMOTE_WIRING.exec(name);
  if (!m) throw new Error(`unknown wiring "${name}": ${WIRING_HELP}`);
  const transport = m[3];
  if (m[1] === 'loopback') return { name, transport, local: 'loopback', groups: [all] };
  if (m[1] === 'domains') return { name, transport, local: 'direct', groups: SERVICES.domains.map((d) => ({ name: d, services: SERVICES.servicesIn(d) })) };
  if (m[1] === 'services') return { name, transport, local: 'direct', groups: SERVICES.names.map((s) => ({ name: s, services: [s] })) };
  const extracted = m[2].split(',').filter(Boolean);
  for (const s of extracted) {
    if (!SERVICES.names.includes(s)) throw new Error(`wiring "${name}": unknown service "${s}"; services are: ${SERVICES.names.join(', ')}`);
  }
  if (extracted.includes('gateway')) throw new Error(`wiring "${name}": the gateway hosts the front door and stays in the main process`);
  const rest = SERVICES.names.filter((s) => !extracted.includes(s));
  return { name, transport, local: 'direct', groups: [{ name: 'main', services: rest }, ...extracted.map((s) => ({ name: s, services: [s] }))] };
}

export const groupOf = (wiring: Wiring, service: string) => wiring.groups.find((g) => g.services.includes(service))!;
/** The domains whose databases a group's services use (a process gets those URLs and no other). */
export const domainsOf = (group: Group): string[] => SERVICES.domains.filter((d) => group.services.some((s) => SERVICES.domainOf(s) === d));
