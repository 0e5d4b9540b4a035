// The README's power table is generated: it must be what `npm run gate-power` wrote to the committed
// results/gate-power/power.json (regenerate it with `npm run gate-power -- --evaluate <pool dir>`).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { powerSummary, type Power } from './power.js';

describe('the measured power curve', () => {
  it('README shows the table of the committed power.json', () => {
    const { evaluations } = JSON.parse(fs.readFileSync('results/gate-power/power.json', 'utf8')) as { evaluations: Power[] };
    expect(evaluations.length).toBeGreaterThan(0);
    expect(fs.readFileSync('README.md', 'utf8')).toContain(powerSummary(evaluations));
  });
});
