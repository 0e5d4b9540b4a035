// The top-level folders depend on each other one way: scripts/ (the CLI) runs the report generator
// (reports/), scripts/ writes the results format (results/) and both read it, everything uses the
// system under test (targets/) and the workloads (scenarios/) — and nothing imports back up that chain. A cycle
// between two folders means neither can change without the other. Read from every source file's
// import statements, parsed by TypeScript (type-only imports count: they couple the folders too).
// Test files are left out: nothing imports them, and they may use the shared test harness
// (scripts/describe-with.ts, scripts/test-tools.ts) and fixtures from any folder.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const FOLDERS = ['targets', 'scenarios', 'results', 'reports', 'scripts'];

/** Folder → folder it imports → the first import that does it ("reports/a.ts imports scripts/b.ts"). */
type Edges = Map<string, Map<string, string>>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative imports of one file's text, as repository paths. */
function importsOf(file: string, text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
}

function folderEdges(root: string): Edges {
  const edges: Edges = new Map();
  for (const from of FOLDERS) {
    if (!fs.existsSync(path.join(root, from))) continue;
    for (const abs of sourceFiles(path.join(root, from))) {
      const file = path.relative(root, abs).split(path.sep).join('/');
      for (const target of importsOf(file, fs.readFileSync(abs, 'utf8'))) {
        const to = target.split('/')[0];
        if (to === from || !FOLDERS.includes(to)) continue;
        const byTarget = edges.get(from) ?? edges.set(from, new Map()).get(from)!;
        if (!byTarget.has(to)) byTarget.set(to, `${file} imports ${target.replace(/\.js$/, '.ts')}`);
      }
    }
  }
  return edges;
}

interface Cycle { folders: string[]; imports: string[] }

/** Every cycle between folders, with the imports that close it. */
function folderCycles(edges: Edges): Cycle[] {
  const cycles = new Map<string, Cycle>();
  const walk = (trail: string[]) => {
    for (const to of edges.get(trail.at(-1)!)?.keys() ?? []) {
      const at = trail.indexOf(to);
      if (at < 0) { walk([...trail, to]); continue; }
      const folders = trail.slice(at);
      const key = [...folders].sort().join(' ');
      if (!cycles.has(key)) cycles.set(key, { folders, imports: folders.map((f, i) => edges.get(f)!.get(folders[i + 1] ?? to)!) });
    }
  };
  for (const folder of edges.keys()) walk([folder]);
  return [...cycles.values()];
}

/**
 * Older than this test, left for the targets/ work to untie: targets/wirings/testing.ts (a test helper)
 * takes its request type from scenarios/requests.ts, while scenarios/ use targets' seed data and wiring names.
 */
const KNOWN = ['scenarios targets'];

describe('top-level folders', () => {
  it('import each other without a cycle (reports/ imports nothing from scripts/, which runs it)', () => {
    const edges = folderEdges(path.resolve('.'));
    expect(edges.get('scripts')?.has('reports'), 'the CLI runs the report generator').toBe(true);
    expect(folderCycles(edges).filter((c) => !KNOWN.includes([...c.folders].sort().join(' '))).map((c) => c.imports)).toEqual([]);
  });

  it('finds a cycle through any import form, and only a cycle', () => {
    const text = `import type { A } from '../scripts/a.js';\nexport {\n  b,\n} from '../scripts/b.js';\n// import { c } from '../targets/c.js';\nconst d = await import('./d.js');`;
    expect(importsOf('reports/x.ts', text)).toEqual(['scripts/a.js', 'scripts/b.js', 'reports/d.js']);
    const edges: Edges = new Map([
      ['reports', new Map([['scripts', 'reports/x.ts imports scripts/a.ts']])],
      ['scripts', new Map([['reports', 'scripts/y.ts imports reports/z.ts'], ['targets', 'scripts/y.ts imports targets/t.ts']])],
    ]);
    expect(folderCycles(edges)).toEqual([{ folders: ['reports', 'scripts'], imports: ['reports/x.ts imports scripts/a.ts', 'scripts/y.ts imports reports/z.ts'] }]);
    edges.delete('reports');
    expect(folderCycles(edges).filter((c) => !KNOWN.includes([...c.folders].sort().join(' '))).map((c) => c.imports)).toEqual([]);
  });
});
