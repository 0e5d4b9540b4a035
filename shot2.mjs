import { chromium } from 'playwright-core';
const [file, prefix, width, n] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const p = await b.newPage({ viewport: { width: +width, height: 1400 } });
await p.goto('file://' + file);
await p.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.querySelector('svg, canvas')), undefined, { timeout: 60000 });
const h = await p.evaluate(() => document.documentElement.scrollHeight);
console.log('height', h);
for (let i = 0; i < Math.min(+n, Math.ceil(h / 1400)); i++) {
  await p.screenshot({ path: `${prefix}-${i}.png`, clip: { x: 0, y: i * 1400, width: +width, height: Math.min(1400, h - i * 1400) }, fullPage: true });
}
await b.close();
