// HTML building blocks shared by the report pages: escaping, tables, chart figures, the page shell
// with its inlined chart libraries. Everything a page needs is inside it: no request leaves the file.
import type { TopLevelSpec } from 'vega-lite';
import { inlineLibraries } from './assets.js';

export const esc = (s: unknown) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON inside a <script> element: "<" escaped so no string in the data can close the element. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** A row of cells, a heading row spanning the table (a group of the rows below it), or a sentence spanning it (about the row above). */
export type Row = string[] | { group: string } | { note: string };

/** A table whose cells are already HTML (callers escape what they put in); the first cell heads its row. */
export function table(head: string[], rows: Row[], caption?: string): string {
  const row = (r: Row) => (Array.isArray(r)
    ? `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`
    : 'group' in r ? `<tr class="group"><th colspan="${head.length}">${r.group}</th></tr>`
      : `<tr class="note-row"><td colspan="${head.length}">${r.note}</td></tr>`);
  return '<div class="scroll"><table>' + (caption ? `<caption>${caption}</caption>` : '') +
    `<thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map(row).join('')}</tbody></table></div>`;
}

export interface Chart { id: string; spec: TopLevelSpec; }

/** A chart's place on the page: the div vega-embed renders into, and the caption saying what to read. */
export function figure(chart: Chart, caption: string): string {
  const title = (chart.spec as { title?: { text?: string } }).title?.text ?? chart.id;
  return `<figure><div class="chart" id="${esc(chart.id)}" role="img" aria-label="${esc(title)}"></div><figcaption>${caption}</figcaption></figure>`;
}

const STYLE = `
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #dadce0; --bad: #b00020; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
/* Wide enough for the widest table at 1280 px; running text keeps a readable measure. */
main { max-width: 1240px; margin: 0 auto; padding: 16px; }
main p, main ul, main ol, main dl, figcaption { max-width: 980px; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid var(--line); }
.sub, figcaption, .note, caption { color: var(--muted); font-size: 0.92rem; }
caption { text-align: left; padding: 4px 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; margin: 8px 0; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; white-space: nowrap; }
th:first-child { text-align: left; }
thead th { text-align: right; white-space: normal; min-width: 4.5rem; vertical-align: bottom; } thead th:first-child { text-align: left; }
tr.group th { text-align: left; background: #f4f5f7; }
tr:has(+ tr.note-row) > * { border-bottom: none; }
tr.note-row td { text-align: left; white-space: normal; color: var(--muted); font-size: 0.85rem; padding-top: 0; }
.ratio { display: block; color: var(--muted); font-size: 0.82rem; }
.chart { width: 100%; min-height: 120px; }
figure { margin: 16px 0; }
.banner { padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
.banner.bad { background: #fdecee; color: var(--bad); border: 2px solid var(--bad); font-weight: 600; }
.banner.warn { background: #fff6e0; color: var(--warn); border: 1px solid #e6c36a; }
.verdict li { margin: 6px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
code { font-size: 0.9em; }
@media (max-width: 560px) { body { font-size: 15px; } main { padding: 10px; } dl { grid-template-columns: 1fr; } dd { margin-bottom: 6px; } }
`;

/** Renders every chart with vega-embed; a chart that fails says so in its place and in the console. */
const RENDER = `
for (const { id, spec } of JSON.parse(document.getElementById('splitbench-charts').textContent)) {
  vegaEmbed('#' + CSS.escape(id), spec, { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } })
    .catch((e) => { document.getElementById(id).textContent = 'This chart could not be drawn: ' + e.message; console.error(e); });
}`;

export function page(opts: { title: string; body: string; charts: Chart[]; head?: string }): string {
  const scripts = opts.charts.length
    ? `${inlineLibraries().map((code) => `<script>${code}</script>`).join('\n')}\n` +
      `<script type="application/json" id="splitbench-charts">${scriptJson(opts.charts)}</script>\n<script>${RENDER}</script>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
<style>${STYLE}</style>
${opts.head ?? ''}
</head>
<body>
<main>
${opts.body}
</main>
${scripts}
</body>
</html>
`;
}
