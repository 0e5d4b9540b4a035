// Link profiles are data (scenarios/links.json): the network a wiring's process → process boundaries
// carry, each with the public measurement it stands for. Validated like a scenario: a bad file names
// the profile and field, and what was expected.
import fs from 'node:fs';
import path from 'node:path';
import { SCENARIO_DIR } from './scenario.js';

/** Which transfer price the bytes crossing a boundary pay (scenarios/prices.json). */
export const TRANSFER_CLASSES = ['none', 'inter-zone', 'inter-region'] as const;
export type TransferClass = (typeof TRANSFER_CLASSES)[number];

export interface LinkSource { figure: string; url: string; date: string }

export interface LinkProfile {
  name: string;
  description: string;
  /** Round trip added on top of loopback, ms (applied in whole ms: Toxiproxy's unit). */
  rttMs: number;
  /** Uniform ± spread around it, ms. */
  jitterMs: number;
  transfer: TransferClass;
  sources: LinkSource[];
  /** Where a figure is a choice rather than a measurement, why. */
  jitterNote?: string;
}

export const DEFAULT_LINKS_FILE = path.join(SCENARIO_DIR, 'links.json');

export class LinkError extends Error {}

const FIELDS = ['name', 'description', 'rttMs', 'jitterMs', 'transfer', 'sources', 'jitterNote'];

export function parseLinkProfiles(raw: unknown, file: string): LinkProfile[] {
  const problems: string[] = [];
  const obj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const list = obj(raw) ? raw.profiles : undefined;
  if (!Array.isArray(list)) throw new LinkError(`${file}: expected {"profiles": [{"name": "same-az", "rttMs": 0.9, …}, …]}, got ${JSON.stringify(raw)?.slice(0, 80)}`);
  const seen = new Set<string>();
  list.forEach((p: any, i: number) => {
    const at = `profiles[${i}]${obj(p) && typeof p.name === 'string' ? ` (${p.name})` : ''}`;
    const bad = (field: string, expected: string, got: unknown) => problems.push(`${at}.${field}: expected ${expected}, got ${JSON.stringify(got)}`);
    if (!obj(p)) return problems.push(`${at}: expected an object, got ${JSON.stringify(p)}`);
    for (const k of Object.keys(p)) if (!FIELDS.includes(k)) problems.push(`${at}.${k}: not a field of a link profile (its fields: ${FIELDS.join(', ')})`);
    if (typeof p.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(p.name)) bad('name', 'a name of lowercase letters, digits and dashes', p.name);
    else if (seen.has(p.name)) bad('name', 'a name not used by an earlier profile', p.name);
    else seen.add(p.name);
    if (typeof p.description !== 'string' || !p.description) bad('description', 'a sentence saying what the link stands for', p.description);
    for (const f of ['rttMs', 'jitterMs'] as const) if (typeof p[f] !== 'number' || !Number.isFinite(p[f]) || p[f] < 0 || p[f] > 10_000) bad(f, 'milliseconds, 0 to 10000', p[f]);
    if (typeof p.jitterMs === 'number' && typeof p.rttMs === 'number' && p.jitterMs > p.rttMs) bad('jitterMs', `at most rttMs (${p.rttMs}): a delay cannot go below zero`, p.jitterMs);
    if (!TRANSFER_CLASSES.includes(p.transfer)) bad('transfer', `one of ${TRANSFER_CLASSES.join(', ')}`, p.transfer);
    if (!Array.isArray(p.sources)) bad('sources', 'a list of {figure, url, date}', p.sources);
    else p.sources.forEach((s: any, j: number) => {
      if (!obj(s) || ['figure', 'url', 'date'].some((k) => typeof s[k] !== 'string' || !s[k])) bad(`sources[${j}]`, '{"figure": "…", "url": "https://…", "date": "…"}', s);
    });
    if (p.jitterNote !== undefined && typeof p.jitterNote !== 'string') bad('jitterNote', 'a string', p.jitterNote);
  });
  if (problems.length) throw new LinkError(`${file}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  return list as LinkProfile[];
}

export function loadLinkProfiles(file = DEFAULT_LINKS_FILE): LinkProfile[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LinkError(`${file}: cannot read the link profiles (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LinkError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseLinkProfiles(raw, file);
}

export function linkProfile(name: string, file?: string): LinkProfile {
  const profiles = loadLinkProfiles(file);
  const found = profiles.find((p) => p.name === name);
  if (!found) throw new LinkError(`link "${name}": not in ${file ?? DEFAULT_LINKS_FILE}; known links: ${profiles.map((p) => p.name).join(', ')}`);
  return found;
}
