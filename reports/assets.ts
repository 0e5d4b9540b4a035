// The chart libraries, inlined into every page with charts so a report opens offline, from disk or
// any static host. Read from the installed packages (versions pinned in package.json).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Browser builds, in load order: vega-embed expects the vega and vegaLite globals. */
const LIBRARIES = ['vega/build/vega.min.js', 'vega-lite/build/vega-lite.min.js', 'vega-embed/build/vega-embed.min.js'];

export function inlineLibraries(): string[] {
  const modules = nodeModules();
  // A "</script" inside the code would end the element early; "<\/" means the same to JavaScript.
  return LIBRARIES.map((file) => fs.readFileSync(path.join(modules, file), 'utf8').replace(/<\/(script)/gi, '<\\/$1'));
}

/** The packages' exports maps hide their build folders from resolution, so find node_modules itself. */
function nodeModules(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'node_modules');
    if (fs.existsSync(path.join(candidate, LIBRARIES[0]))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find ${LIBRARIES[0]} in any node_modules above ${fileURLToPath(import.meta.url)}: run npm ci`);
    dir = up;
  }
}
