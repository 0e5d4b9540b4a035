// npm run report: the HTML report of one or more runs (reports/<run-id>/index.html), a comparison page
// for several, and reports/index.html listing every report. Self-contained pages: they open offline.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_REPORTS_DIR, generateAdvisePage, generateReports } from '../reports/generate.js';
import { ADVISE_FILE, adviseFilePath } from '../results/advise-file.js';
import { RunFileError } from '../results/run-file.js';
import { args, fail } from './cli.js';

const USAGE = `usage: npm run report -- [<results/run-id> | <run.json> | <advise.json> …] [--out <dir>]
  no run given: the newest run (or extraction study) under results/
  --out <dir>   where the reports go (default: ${DEFAULT_REPORTS_DIR}/)`;

const { values, positionals } = args({ out: { type: 'string', default: DEFAULT_REPORTS_DIR } }, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }

const inputs = positionals.length ? positionals : [newestRun('results')];
// A study (advise.json) has a page of its own; a folder holding only an advise.json is a study.
const isStudy = (p: string) => path.basename(adviseFilePath(p)) === ADVISE_FILE && fs.existsSync(adviseFilePath(p)) && !fs.existsSync(path.join(path.resolve(p), 'run.json'));
try {
  for (const p of inputs.filter(isStudy)) console.log(`extraction page: ${shown(generateAdvisePage(adviseFilePath(p), values.out))}`);
  const runs = inputs.filter((p) => !isStudy(p));
  if (runs.length) {
    const written = generateReports(runs, values.out);
    for (const p of written.runPages) console.log(`report: ${shown(p)}`);
    if (written.comparison) console.log(`comparison: ${shown(written.comparison)}`);
    console.log(`listing: ${shown(written.listing)}`);
  }
} catch (e) {
  // A bad run file is the user's to fix: its message names file and field. Anything else is a bug: show where.
  fail(e instanceof RunFileError ? e.message : String((e as Error).stack ?? e));
}

/** Relative to the working directory when inside it, absolute otherwise. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? path.resolve(file) : relative;
}

/** The run whose run.json (or advise.json) was written last (folder names need not be run ids: --out names them freely). */
function newestRun(dir: string): string {
  const written = (d: string) => ['run.json', ADVISE_FILE].map((f) => path.join(dir, d, f)).filter((f) => fs.existsSync(f)).map((f) => fs.statSync(f).mtimeMs)[0];
  const runs = fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && written(d.name) !== undefined)
      .map((d) => ({ dir: path.join(dir, d.name), written: written(d.name)! })).sort((a, b) => a.written - b.written)
    : [];
  if (runs.length === 0) fail(`no run found under ${path.resolve(dir)}/ (expected <run-id>/run.json): run npm run bench first, or name a run directory\n\n${USAGE}`);
  return runs.at(-1)!.dir;
}
