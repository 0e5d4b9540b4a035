// npm run report's work: read run.json files (validated), write one page per run, a comparison page
// when there are several, and the listing of every report in the folder.
import fs from 'node:fs';
import path from 'node:path';
import { readAdvise } from '../results/advise-file.js';
import { readRun, runFilePath, RunFileError } from '../results/run-file.js';
import { advisePage } from './advise-page.js';
import type { RunResult } from '../results/run.js';
import { comparisonPage } from './compare-page.js';
import { listingPage, readSummaries } from './listing-page.js';
import { runPage } from './run-page.js';

export const DEFAULT_REPORTS_DIR = 'reports';
const COMPARISON_DIR = 'compare';

export interface Written { runPages: string[]; comparison: string | undefined; listing: string; }

/** Every input is read and every page built before anything is written: a bad file leaves no half-report. */
export function generateReports(inputs: string[], reportsDir = DEFAULT_REPORTS_DIR): Written {
  const runs = inputs.map((input) => ({ file: runFilePath(input), run: readRun(input) }));
  checkRunIds(runs);
  const pages = runs.map(({ file, run }) => {
    try {
      return { dir: path.join(reportsDir, run.runId), html: runPage(run, path.relative(process.cwd(), file)).html };
    } catch (e) {
      throw new RunFileError(`${file}: cannot build its report: ${(e as Error).message}`);
    }
  });
  const comparison = runs.length > 1 ? comparisonPage(runs.map((r) => r.run), (runId) => `../${runId}/index.html`) : undefined;

  for (const p of pages) write(path.join(p.dir, 'index.html'), p.html);
  const comparisonFile = path.join(reportsDir, COMPARISON_DIR, 'index.html');
  if (comparison) write(comparisonFile, comparison);
  const listing = writeListing(reportsDir);
  return { runPages: pages.map((p) => path.join(p.dir, 'index.html')), comparison: comparison ? comparisonFile : undefined, listing };
}

/** A run id names a folder: it must be a plain name, and two inputs must not claim the same one. */
function checkRunIds(runs: { file: string; run: RunResult }[]) {
  const seen = new Map<string, string>();
  for (const { file, run } of runs) {
    if (!/^[\w.+-]+$/.test(run.runId) || run.runId === COMPARISON_DIR || /^\.+$/.test(run.runId)) {
      throw new RunFileError(`${file}: runId: ${JSON.stringify(run.runId)} cannot name a report folder (letters, digits, . _ + - only)`);
    }
    const other = seen.get(run.runId);
    if (other) throw new RunFileError(`${file}: runId: "${run.runId}" is also the run id of ${other}; one report folder cannot hold both`);
    seen.set(run.runId, file);
  }
}

/** An extraction study's page, reports/<run-id>/index.html (listed with the runs); returns where it went. */
export function generateAdvisePage(adviseFile: string, reportsDir = DEFAULT_REPORTS_DIR): string {
  const advise = readAdvise(adviseFile);
  let html: string;
  try {
    html = advisePage(advise, path.relative(process.cwd(), path.resolve(adviseFile))).html;
  } catch (e) {
    throw new RunFileError(`${adviseFile}: cannot build its page: ${(e as Error).message}`);
  }
  const file = path.join(reportsDir, advise.runId, 'index.html');
  write(file, html);
  writeListing(reportsDir);
  return file;
}

/** reports/index.html: every page in the folder, and the comparison page when one is there. */
function writeListing(reportsDir: string): string {
  const listing = path.join(reportsDir, 'index.html');
  const comparison = fs.existsSync(path.join(reportsDir, COMPARISON_DIR, 'index.html')) ? `${COMPARISON_DIR}/index.html` : undefined;
  write(listing, listingPage(readSummaries(reportsDir), comparison));
  return listing;
}

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
