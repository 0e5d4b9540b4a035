// splitbench is MIT (LICENSE). Every package the lockfile installs must carry a license that lets an MIT
// project be used and distributed with it, without putting splitbench's own code under other terms.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Permissive licenses: they ask for notices and disclaimers at most, never for the user's own code to
 *  be shared, so they may sit beside MIT code in anything splitbench or its users distribute. */
const PERMISSIVE = new Set([
  'MIT', 'MIT-0', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD', 'BlueOak-1.0.0', 'CC0-1.0',
  'Python-2.0', 'Unlicense', 'Zlib',
  // Data rather than code (browser tables and the like): attribution only.
  'CC-BY-4.0',
]);

/** Weak, file-level copyleft (MPL-2.0: only the MPL files themselves, if modified, must be shared).
 *  Tolerated for development tools only — the lockfile's `dev` packages, which the runtime image
 *  (Dockerfile: npm ci --omit=dev) never contains and which splitbench never modifies or ships. Strong
 *  copyleft (GPL, LGPL, AGPL, SSPL, EUPL…) is allowed nowhere: k6, AGPL-3.0, is therefore not a
 *  dependency; splitbench only renders k6 scripts, and runs a k6 binary the user installed. */
const DEV_ONLY = new Set(['MPL-2.0']);

interface LockEntry { license?: unknown; licenses?: unknown; dev?: boolean; name?: string }

/** An SPDX expression allowed by `ok`: every operand of AND, any operand of OR. */
function spdxAllowed(expression: string, ok: (id: string) => boolean): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const operand = (): boolean => {
    const t = tokens[i++];
    if (t === '(') { const v = or(); i++; return v; }
    // "WITH <exception>" only loosens the license it follows.
    if (tokens[i] === 'WITH') i += 2;
    return t !== undefined && ok(t.replace(/\+$/, ''));
  };
  const and = (): boolean => { let v = operand(); while (tokens[i] === 'AND') { i++; v = operand() && v; } return v; };
  const or = (): boolean => { let v = and(); while (tokens[i] === 'OR') { i++; v = and() || v; } return v; };
  const v = or();
  return v && i === tokens.length;
}

/** The package's declared license: the lockfile's, else its own package.json's (older forms included). */
function declaredLicense(key: string, entry: LockEntry): string | undefined {
  const fromManifest = (): LockEntry => {
    const file = path.join(root, key, 'package.json');
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  };
  const source = entry.license !== undefined || entry.licenses !== undefined ? entry : fromManifest();
  const one = (l: unknown) => (typeof l === 'string' ? l : (l as { type?: string } | undefined)?.type);
  if (source.license !== undefined) return one(source.license);
  if (Array.isArray(source.licenses)) return source.licenses.map(one).join(' OR ');
  return undefined;
}

const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const installed = Object.entries(lock.packages).filter(([key]) => key !== '');

describe('licenses', () => {
  it('reads SPDX expressions', () => {
    const ok = (id: string) => PERMISSIVE.has(id);
    expect(spdxAllowed('(MIT AND Zlib)', ok)).toBe(true);
    expect(spdxAllowed('MIT OR GPL-3.0-only', ok)).toBe(true);
    expect(spdxAllowed('MIT AND GPL-3.0-only', ok)).toBe(false);
    expect(spdxAllowed('(GPL-2.0-only OR LGPL-3.0+) AND MIT', ok)).toBe(false);
    expect(spdxAllowed('Apache-2.0 WITH LLVM-exception', ok)).toBe(true);
    expect(spdxAllowed('AGPL-3.0-only', ok)).toBe(false);
    expect(spdxAllowed('', ok)).toBe(false);
  });

  it('splitbench itself is MIT', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(manifest.license).toBe('MIT');
    expect(lock.packages[''].license).toBe('MIT');
    expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the splitbench authors\n/);
  });

  it('every installed package has a license compatible with distributing an MIT project', () => {
    expect(installed.length).toBeGreaterThan(100);
    const refused = installed.flatMap(([key, entry]) => {
      const license = declaredLicense(key, entry);
      const ok = (id: string) => PERMISSIVE.has(id) || (entry.dev === true && DEV_ONLY.has(id));
      return license !== undefined && spdxAllowed(license, ok) ? [] : [`${key.replace(/^(.*\/)?node_modules\//, '')} (${license ?? 'no license declared'}${entry.dev ? ', dev' : ''})`];
    });
    expect(refused, 'packages whose license is not on the allowlist in scripts/licenses.test.ts').toEqual([]);
  });

  it('k6 (AGPL-3.0) is not installed; its type definitions (MIT) are', () => {
    expect(lock.packages['node_modules/k6']).toBeUndefined();
    expect(lock.packages['node_modules/@types/k6']).toMatchObject({ license: 'MIT', dev: true });
  });
});
