import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../results/run.js';
import { wiringTable } from './wiring-table.js';

const fixture = (): RunResult => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../reports/fixture.run.json'), 'utf8'));

describe('the bench console\'s wiring table', () => {
  it('gives every ratio its interval and names the method', () => {
    const { lines } = wiringTable(fixture());
    expect(lines[0]).toBe("percentiles pooled over 2 trial(s), CPU and $ their median; ×mono with its 90 % intervals: paired rounds, Student's t over 2 rounds");
    const rows = lines.slice(2, 7);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['monolith', 'domains/http', 'domains/grpc', 'services/http', 'services/grpc']);
    expect(rows[0]).toContain('baseline');
    // p99 and CPU of each split: two ratios, each with its bracket.
    for (const r of rows.slice(1)) expect(r.match(/[\d.]+× \[[\d.]+–[\d.]+×\]/g), r).toHaveLength(2);
  });

  it('marks a ratio whose interval holds 1× with ~, and one trial as no interval', () => {
    const run = fixture();
    const mono = run.cells.filter((c) => c.wiring === 'monolith');
    for (const c of run.cells.filter((x) => x.wiring === 'domains/http')) c.driver = structuredClone(mono.find((m) => m.trial !== c.trial)!.driver);
    const row = wiringTable(run).lines.find((l) => l.startsWith('domains/http'))!;
    expect(row).toMatch(/1× \[[\d.]+–[\d.]+×\] ~/);
    run.cells = run.cells.filter((c) => c.trial === 1);
    const one = wiringTable(run).lines;
    expect(one.find((l) => l.startsWith('services/grpc'))).toContain('[no interval: one trial] ~');
    expect(one.at(-1)).toContain('one trial has no interval');
  });
});
