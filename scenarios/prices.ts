// The price table is data (scenarios/prices.json): public list prices, each with its source and date,
// overridable by the user's own file. What the prices multiply is results/bill.ts.
import fs from 'node:fs';
import path from 'node:path';
import { SCENARIO_DIR } from './scenario.js';

export interface Price { usd: number; unit: string; source: string; url: string; date: string; note?: string }

export interface PriceTable {
  file: string;
  currency: string;
  description: string;
  vcpuHour: Price;
  gbHour: Price;
  interZonePerGB: Price;
  interRegionPerGB: Price;
  /** The smallest size a process is billed at (a task, a pod's request), however idle it is. */
  minProcess: { vcpu: number; gb: number; source: string; url: string; date: string };
}

export const DEFAULT_PRICES_FILE = path.join(SCENARIO_DIR, 'prices.json');

export class PriceError extends Error {}

const PRICES = ['vcpuHour', 'gbHour', 'interZonePerGB', 'interRegionPerGB'] as const;

export function parsePrices(raw: unknown, file: string): PriceTable {
  const problems: string[] = [];
  const obj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!obj(raw)) throw new PriceError(`${file}: expected an object like {"currency": "USD", "vcpuHour": {"usd": 0.04, …}, …}, got ${JSON.stringify(raw)?.slice(0, 80)}`);
  const bad = (field: string, expected: string, got: unknown) => problems.push(`${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  const text = (field: string, v: unknown) => { if (typeof v !== 'string' || !v) bad(field, 'a non-empty string', v); };
  const amount = (field: string, v: unknown) => { if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(field, 'a number ≥ 0', v); };
  for (const k of Object.keys(raw)) if (!['currency', 'description', ...PRICES, 'minProcess'].includes(k)) problems.push(`${k}: not a field of a price table (its fields: currency, description, ${PRICES.join(', ')}, minProcess)`);
  text('currency', raw.currency);
  text('description', raw.description);
  for (const k of PRICES) {
    const p = raw[k];
    if (!obj(p)) { bad(k, '{"usd": …, "unit": "…", "source": "…", "url": "…", "date": "…"}', p); continue; }
    amount(`${k}.usd`, p.usd);
    for (const f of ['unit', 'source', 'url', 'date']) text(`${k}.${f}`, p[f]);
  }
  const m = raw.minProcess;
  if (!obj(m)) bad('minProcess', '{"vcpu": 0.25, "gb": 0.5, "source": "…", "url": "…", "date": "…"}', m);
  else {
    amount('minProcess.vcpu', m.vcpu);
    amount('minProcess.gb', m.gb);
    for (const f of ['source', 'url', 'date']) text(`minProcess.${f}`, m[f]);
  }
  if (problems.length) throw new PriceError(`${file}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  return { file, ...(raw as Omit<PriceTable, 'file'>) };
}

export function loadPrices(file = DEFAULT_PRICES_FILE): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PriceError(`${file}: cannot read the price table (${(e as Error).message})`);
  }
  return parsePrices(raw, path.relative(process.cwd(), file) || file);
}
