// The report in a real browser: Debian's Chromium (never a downloaded one) opens the generated file
// from disk, every chart draws, nothing is fetched, the console stays clean, and the page fits a phone.
// Screenshots land in .splitbench/report-test/ (git-ignored) for a human to look at.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../scripts/describe-with.js';
import { CHROMIUM_PATH } from '../scripts/test-tools.js';
import { readRun } from '../results/run-file.js';
import { abFixture } from '../scripts/gate/ab-fixture.js';
import { abPage } from './ab-page.js';
import { generateAdvisePage, generateReports } from './generate.js';
import { advisePage } from './advise-page.js';
import { readAdvise } from '../results/advise-file.js';
import { runPage } from './run-page.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixture.run.json');
const OUT = path.resolve('.splitbench/report-test');

let browser: Browser;
let written: ReturnType<typeof generateReports>;
const AB_PAGE = path.join(OUT, 'ab', 'index.html');
const ADVISE_FIXTURE = path.join(path.dirname(FIXTURE), 'fixture.advise.json');
let advisePageFile: string;

const setUp = async () => {
  fs.rmSync(OUT, { recursive: true, force: true });
  const second = path.join(OUT, 'input', 'fixture-synthetic-2');
  fs.mkdirSync(second, { recursive: true });
  fs.writeFileSync(path.join(second, 'run.json'), JSON.stringify({ ...readRun(FIXTURE), runId: 'fixture-synthetic-2' }));
  written = generateReports([FIXTURE, second], path.join(OUT, 'reports'));
  const ab = abFixture();
  fs.mkdirSync(path.dirname(AB_PAGE), { recursive: true });
  fs.writeFileSync(AB_PAGE, abPage(ab.gate, ab.base, ab.candidate));
  advisePageFile = generateAdvisePage(ADVISE_FIXTURE, path.join(OUT, 'reports'));
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH });
};

/** Opens a report file and collects what the page says and asks for while it draws its charts. */
async function open(file: string, width: number) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.querySelector('svg, canvas')), undefined, { timeout: 60_000 });
  return { page, problems, requests };
}

const chartsDrawn = (page: Page) => page.$$eval('.chart', (charts) => charts.map((c) => ({
  id: c.id,
  marks: c.querySelectorAll('svg [class*="mark-"] path, svg [class*="mark-"] line').length,
  width: c.querySelector('svg, canvas')!.getBoundingClientRect().width,
})));

describeWith('chromium', 'the report in Chromium, opened from disk', () => {
  beforeAll(setUp);
  afterAll(async () => { await browser?.close(); });

  for (const width of [1280, 1000, 390]) {
    it(`draws every chart at ${width} px, fetches nothing, logs no error or warning`, async () => {
      const expected = runPage(readRun(FIXTURE), 'x').charts.map((c) => c.id);
      const { page, problems, requests } = await open(written.runPages[0], width);
      const drawn = await chartsDrawn(page);
      expect(drawn.map((c) => c.id)).toEqual(expected);
      for (const c of drawn) {
        expect(c.marks, `${c.id} has marks`).toBeGreaterThan(0);
        expect(c.width, `${c.id} fits ${width} px`).toBeLessThanOrEqual(width);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling of the page').toBeLessThanOrEqual(width);
      expect(await page.evaluate(() => [document.body.scrollWidth, document.body.clientWidth]).then(([sw, cw]) => sw <= cw), 'body scrollWidth ≤ clientWidth').toBe(true);
      // A wide table may be wider than the page, but only inside a wrapper that scrolls sideways and itself fits.
      const tables = await page.$$eval('table', (ts) => ts.map((t, i) => {
        const wrapper = t.parentElement!;
        return {
          i, caption: t.caption?.textContent?.slice(0, 40) ?? t.querySelector('th')?.textContent?.slice(0, 40),
          scrolls: wrapper.classList.contains('scroll') && ['auto', 'scroll'].includes(getComputedStyle(wrapper).overflowX),
          wrapperRight: wrapper.getBoundingClientRect().right,
          fits: t.getBoundingClientRect().width <= wrapper.clientWidth + 0.5,
        };
      }));
      expect(tables.length).toBeGreaterThan(0);
      for (const t of tables) {
        expect(t.scrolls, `table ${t.i} (${t.caption}) is inside a sideways-scrolling wrapper`).toBe(true);
        expect(t.wrapperRight, `table ${t.i} (${t.caption}): its wrapper fits ${width} px`).toBeLessThanOrEqual(width);
      }
      if (width >= 1280) expect(tables.filter((t) => !t.fits).map((t) => t.caption), `at ${width} px every table fits without scrolling`).toEqual([]);
      expect(problems).toEqual([]);
      expect(requests.filter((u) => !/^(file|data|blob|about):/.test(u))).toEqual([]);
      await page.screenshot({ path: path.join(OUT, `screenshot-${width}.png`), fullPage: true });
      await page.close();
    });
  }

  it('shows a tooltip on a chart mark', async () => {
    const { page } = await open(written.runPages[0], 1000);
    const bar = page.locator('#chart-boundaries svg .mark-rect path').first();
    await bar.scrollIntoViewIfNeeded();
    await bar.hover({ force: true });
    await expect.poll(() => page.locator('#vg-tooltip-element.visible').textContent(), { timeout: 10_000 }).toContain('overhead p50 (ms)');
    await page.close();
  });

  it('draws the comparison page of several runs', async () => {
    const { page, problems, requests } = await open(written.comparison!, 1000);
    expect((await chartsDrawn(page)).map((c) => [c.id, c.marks > 0])).toEqual([['chart-comparison', true]]);
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !/^(file|data|blob|about):/.test(u))).toEqual([]);
    await page.screenshot({ path: path.join(OUT, 'screenshot-comparison.png'), fullPage: true });
    await page.close();
  });

  for (const width of [1280, 390]) {
    it(`draws the A/B gate page at ${width} px: every chart, nothing fetched, no error or warning, no sideways scrolling`, async () => {
      const { page, problems, requests } = await open(AB_PAGE, width);
      const drawn = await chartsDrawn(page);
      expect(drawn.map((c) => c.id)).toEqual(['chart-ab-spectrum-1', 'chart-ab-pairs-1', 'chart-ab-spectrum-2', 'chart-ab-pairs-2']);
      for (const c of drawn) {
        expect(c.marks, `${c.id} has marks`).toBeGreaterThan(0);
        expect(c.width, `${c.id} fits ${width} px`).toBeLessThanOrEqual(width);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling of the page').toBeLessThanOrEqual(width);
      expect(problems).toEqual([]);
      expect(requests.filter((u) => !/^(file|data|blob|about):/.test(u))).toEqual([]);
      await page.screenshot({ path: path.join(OUT, `screenshot-ab-${width}.png`), fullPage: true });
      await page.close();
    });
  }

  for (const width of [1280, 390]) {
    it(`draws the Extraction page at ${width} px: every chart, nothing fetched, no error or warning, no sideways scrolling`, async () => {
      const { page, problems, requests } = await open(advisePageFile, width);
      const drawn = await chartsDrawn(page);
      expect(drawn.map((c) => c.id)).toEqual(advisePage(readAdvise(ADVISE_FIXTURE), 'x').charts.map((c) => c.id));
      for (const c of drawn) {
        expect(c.marks, `${c.id} has marks`).toBeGreaterThan(0);
        expect(c.width, `${c.id} fits ${width} px`).toBeLessThanOrEqual(width);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling of the page').toBeLessThanOrEqual(width);
      if (width >= 1280) {
        const wide = await page.$$eval('table', (ts) => ts.filter((t) => t.getBoundingClientRect().width > t.parentElement!.clientWidth + 0.5).map((t) => t.caption?.textContent));
        expect(wide, 'at 1280 px every table fits without scrolling').toEqual([]);
      }
      expect(problems).toEqual([]);
      expect(requests.filter((u) => !/^(file|data|blob|about):/.test(u))).toEqual([]);
      await page.screenshot({ path: path.join(OUT, `screenshot-advise-${width}.png`), fullPage: true });
      await page.close();
    });
  }
});
