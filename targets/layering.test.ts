// Imports between the top-level parts of the repository go one way. Within targets/ every top-level
// folder (and services.ts) is a part: kit at the bottom, contracts and db on it, domains on those,
// services.ts listing the domains' services, wirings running them; no import leads the other way.
// scripts/, reports/, results/ (the results format) and scenarios/ are one part each. Test files are left out: nothing imports a
// test, so a test never closes a cycle, and it may reach up (db's tests run on the real service list).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOTS = ['targets', 'scripts', 'reports', 'results', 'scenarios'];
/**
 * Cycles outside the rule for targets/ that exist today, each being removed by its own change. Delete an
 * entry once its cycle is gone: the test then holds those parts apart as strictly as targets/.
 */
const KNOWN_CYCLES = [
  // scenario.ts checks its wirings with placement.ts; wirings/testing.ts takes a scenario's request type.
  ['scenarios', 'targets/wirings'],
];

const partOf = (file: string) => {
  const [root, second] = file.split('/');
  return root === 'targets' ? `targets/${second}` : root;
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** part → part it imports → one file-level import that makes the edge (for the message). */
function partGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of ROOTS.flatMap(sourceFiles)) {
    const from = partOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const { fileName } of ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = path.relative('.', path.resolve(path.dirname(file), fileName)).replace(/\.js$/, '.ts');
      const to = partOf(target);
      if (ROOTS.includes(target.split('/')[0]) && to !== from && !graph.get(from)!.has(to)) graph.get(from)!.set(to, `${file} → ${target}`);
    }
  }
  return graph;
}

/** Strongly connected parts (Tarjan): each group of two or more imports itself in a circle. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do { w = stack.pop()!; group.push(w); } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** A cycle as the imports that make it, one per edge inside the group. */
const explain = (graph: Map<string, Map<string, string>>, group: string[]) =>
  `${group.join(' ⇄ ')}:\n${group.flatMap((a) => group.filter((b) => graph.get(a)?.has(b)).map((b) => `  ${graph.get(a)!.get(b)}`)).join('\n')}`;

describe('layering', () => {
  const graph = partGraph();
  const found = cycles(graph);

  it('no import cycle between the top-level parts of targets/, not even through scripts/, reports/ or scenarios/', () => {
    const inTargets = found.filter((group) => group.filter((p) => p.startsWith('targets/')).length > 1);
    expect(inTargets.map((group) => explain(graph, group))).toEqual([]);
  });

  it('db/ imports neither domains/ nor the service list', () => {
    expect([...graph.get('targets/db')!.entries()].filter(([to]) => to === 'targets/domains' || to === 'targets/services.ts').map(([, why]) => why)).toEqual([]);
  });

  it('no other import cycle between top-level parts, apart from the known ones being removed', () => {
    const known = (group: string[]) => KNOWN_CYCLES.some((k) => k.join() === group.join());
    expect(found.filter((group) => !known(group)).map((group) => explain(graph, group))).toEqual([]);
  });
});
