// Reading advise.json back (npm run report, the Extraction page): a bad file is an error naming the file
// and the field, never a page of undefined.
import fs from 'node:fs';
import path from 'node:path';
import { ADVISE_SCHEMA_VERSION, moneyPath, type AdviseResult, type CandidateResult } from './advise.js';
import { rankCandidates } from './advise-rank.js';
import { RunFileError } from './run-file.js';

export const ADVISE_FILE = 'advise.json';

/** Accepts an advise.json or a directory holding one. */
export const adviseFilePath = (fileOrDir: string) => {
  const p = path.resolve(fileOrDir);
  return fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, ADVISE_FILE) : p;
};

export function readAdvise(fileOrDir: string): AdviseResult {
  const file = adviseFilePath(fileOrDir);
  let data: any;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RunFileError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (expected an advise.json written by npm run advise, or its directory)' : `not valid JSON (${(e as Error).message})`}`);
  }
  const problems = checkAdvise(data);
  if (problems.length) throw new RunFileError(`${file}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  return upgraded(data as AdviseResult);
}

/**
 * Studies written before the ranking by what resolved carry rankByP99 (the order of the p99 point
 * values) instead of rank and rankedBy: ranked again from their own deltas, the way npm run advise now ranks.
 */
function upgraded(a: AdviseResult): AdviseResult {
  if (a.candidates.every((c) => typeof c.rank === 'number' && typeof c.rankedBy === 'string')) return a;
  const money = moneyPath(a.cells);
  const links = [...new Set(a.candidates.map((c) => c.link))];
  const candidates = links.flatMap((link) => rankCandidates(a.candidates.filter((c) => c.link === link).map((c) => {
    const { rankByP99: _older, ...rest } = c as CandidateResult & { rankByP99?: number };
    return rest;
  }), money));
  return { ...a, candidates };
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkAdvise(d: unknown): string[] {
  if (!isObj(d)) return ['expected an advise object'];
  if (d.schemaVersion !== ADVISE_SCHEMA_VERSION) return [`schemaVersion: expected ${ADVISE_SCHEMA_VERSION}, got ${JSON.stringify(d.schemaVersion) ?? 'nothing'} (written by another version of splitbench)`];
  const p: string[] = [];
  const need = (ok: boolean, at: string, expected: string) => { if (!ok) p.push(`${at}: expected ${expected}`); };
  need(typeof d.runId === 'string' && /^[\w.+-]+$/.test(d.runId), 'runId', 'a plain name (letters, digits, . _ + -)');
  need(isObj(d.environment) && typeof d.environment.cpuModel === 'string', 'environment', 'the machine ({cpuModel, cores, node, …})');
  const c = d.config;
  need(isObj(c), 'config', 'an object');
  if (isObj(c)) {
    need(Array.isArray(c.links) && c.links.every((l: any) => isObj(l) && typeof l.name === 'string' && Array.isArray(l.sources)), 'config.links', 'a list of link profiles');
    need(isObj(c.prices) && isObj(c.prices.vcpuHour) && isObj(c.prices.minProcess), 'config.prices', 'a price table');
    need(isObj(c.scenario) && typeof c.scenario.name === 'string', 'config.scenario', 'a scenario');
    for (const k of ['method', 'precision', 'transport', 'profile']) need(typeof c[k] === 'string', `config.${k}`, 'a string');
    need(typeof c.confidence === 'number', 'config.confidence', 'a number');
  }
  need(Array.isArray(d.cells), 'cells', 'a list');
  (Array.isArray(d.cells) ? d.cells : []).forEach((cell: any, i: number) => {
    const at = `cells[${i}]`;
    need(isObj(cell) && typeof cell.wiring === 'string' && typeof cell.link === 'string' && ['monolith', 'candidate', 'ladder'].includes(cell.role), at, '{wiring, link, role: monolith|candidate|ladder, …}');
    need(isObj(cell?.driver) && Array.isArray(cell.driver.workflows), `${at}.driver.workflows`, 'a list');
    need(isObj(cell?.bill) && 'usdPerMillionOrders' in cell.bill, `${at}.bill`, 'a bill');
    need(isObj(cell?.invariants) && typeof cell.invariants.ok === 'boolean', `${at}.invariants`, 'an invariant report');
  });
  need(Array.isArray(d.candidates) && d.candidates.every((x: any) => isObj(x) && typeof x.service === 'string' && Array.isArray(x.workflows) && isObj(x.crossing)), 'candidates', 'a list of candidate results');
  need(Array.isArray(d.ladders) && d.ladders.every((l: any) => isObj(l) && Array.isArray(l.steps)), 'ladders', 'a list of {link, steps}');
  need(isObj(d.hopFloor), 'hopFloor', 'an object');
  return p;
}
