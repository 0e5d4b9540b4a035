// npm run report: the HTML report of one or more runs (reports/<run-id>/index.html), a comparison page
// for several, and reports/index.html listing every report. Self-contained pages: they open offline.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_REPORTS_DIR, generateReports } from '../reports/generate.js';
import { RunFileError } from '../results/run-file.js';
import { args, fail } from './cli.js';

const USAGE = `usage: npm run report -- [<results/run-id> | <run.json> …] [--out <dir>]
  no run given: the newest run under results/
  --out <dir>   where the reports go (default: ${DEFAULT_REPORTS_DIR}/)`;

const { values, positionals } = args({ out: { type: 'string', default: DEFAULT_REPORTS_DIR } }, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

const inputs = positionals.length ? positionals : [newestRun('results')];
try {
  const written = generateReports(inputs, values.out);
  for (const p of written.runPages) console.log(`report: ${shown(p)}`);
  if (written.comparison) console.log(`comparison: ${shown(written.comparison)}`);
  console.log(`listing: ${shown(written.listing)}`);
} catch (e) {
  // A bad run file is the user's to fix: its message names file and field. Anything else is a bug: show where.
  fail(e instanceof RunFileError ? e.message : String((e as Error).stack ?? e));
}

/** Relative to the working directory when inside it, absolute otherwise. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? path.resolve(file) : relative;
}

/** The run whose run.json was written last (folder names need not be run ids: --out names them freely). */
function newestRun(dir: string): string {
  const runs = fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'run.json')))
      .map((d) => ({ dir: path.join(dir, d.name), written: fs.statSync(path.join(dir, d.name, 'run.json')).mtimeMs })).sort((a, b) => a.written - b.written)
    : [];
  if (runs.length === 0) fail(`no run found under ${path.resolve(dir)}/ (expected <run-id>/run.json): run npm run bench first, or name a run directory\n\n${USAGE}`);
  return runs.at(-1)!.dir;
}
