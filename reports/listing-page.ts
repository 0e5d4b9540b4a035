// reports/index.html: every run that has a report under the reports folder, newest first, read back
// from the summary each run page embeds (so the listing needs no results folder).
import fs from 'node:fs';
import path from 'node:path';
import { esc, page, table } from './html.js';
import { SUMMARY_ELEMENT_ID, type RunSummary } from './run-page.js';

export function readSummaries(reportsDir: string): RunSummary[] {
  if (!fs.existsSync(reportsDir)) return [];
  const pattern = new RegExp(`<script type="application/json" id="${SUMMARY_ELEMENT_ID}">(.*?)</script>`, 's');
  return fs.readdirSync(reportsDir, { withFileTypes: true }).flatMap((d) => {
    const file = path.join(reportsDir, d.name, 'index.html');
    if (!d.isDirectory() || !fs.existsSync(file)) return [];
    const json = pattern.exec(fs.readFileSync(file, 'utf8'))?.[1];
    return json ? [JSON.parse(json) as RunSummary] : [];
  }).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export function listingPage(summaries: RunSummary[], comparison: string | undefined): string {
  const body = '<header><h1>splitbench reports</h1><p class="sub">What splitting an e-commerce monolith into microservices costs, run by run.</p></header>' +
    (comparison ? `<p><a href="${esc(comparison)}">The latest comparison of several runs</a></p>` : '') +
    (summaries.length === 0 ? '<p>No reports yet: <code>npm run bench</code>, then <code>npm run report</code>.</p>' : table(
      ['run', 'started', 'profile', 'scenario', 'wirings', 'invariants', 'verdict'],
      summaries.map((s) => [
        `<a href="${esc(`${s.runId}/index.html`)}">${esc(s.runId)}</a>`, esc(s.startedAt), esc(s.profile), esc(s.scenario), esc(s.wirings.join(', ')),
        s.invariantsOk ? 'OK' : '<strong style="color: var(--bad)">BROKEN</strong>',
        `<span style="white-space: normal; display: block; min-width: 18rem; text-align: left">${s.verdicts.map(esc).join('<br>')}</span>`,
      ]),
    ));
  return page({ title: 'splitbench reports', body, charts: [] });
}
