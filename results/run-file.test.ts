// run.json readers get a clear error naming the file and the field, never a half-read run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRun, RunFileError } from './run-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-runfile-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };
const expectError = (file: string, ...parts: string[]) => {
  let error: unknown;
  try { readRun(file); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(RunFileError);
  for (const part of [file, ...parts]) expect((error as Error).message).toContain(part);
};

describe('readRun', () => {
  it('names a missing file', () => expectError(path.join(dir, 'absent.json'), 'no such file'));
  it('names malformed JSON', () => expectError(write('bad.json', '{"schemaVersion": 1,'), 'not valid JSON'));
  it('rejects another schema version', () => expectError(write('v9.json', '{"schemaVersion": 9}'), 'schemaVersion: expected 2, got 9'));
  it('names a missing or mistyped field with its path', () => {
    const run = { schemaVersion: 2, runId: 'r', environment: { hostname: 'h', node: 'v20', cpuModel: 'x', cores: 2, gitSha: 's', startedAt: 't', loadAverage: [0] },
      config: { profile: 'quick', wirings: [], trials: 1, driver: 'builtin', method: 'm', scenario: { name: 's' } }, cells: [{ wiring: 'monolith' }], target: [], micro: [] };
    expectError(write('field.json', JSON.stringify(run)), 'cells[0].trial: expected a number, got undefined');
  });
  it('names a saturation row without its invariant report', () => {
    const run = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../reports/fixture.run.json'), 'utf8'));
    delete run.saturation[0].invariants;
    expectError(write('no-invariants.json', JSON.stringify(run)), 'saturation[0].invariants: expected an object');
  });
  it('names an edge histogram that is not a string, and accepts edges without one (older runs)', () => {
    const run = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../reports/fixture.run.json'), 'utf8'));
    const i = run.cells.findIndex((c: { edges: unknown[] }) => c.edges.length);
    expect(readRun(write('no-edge-histogram.json', JSON.stringify(run))).cells[i].edges[0].rttHistogram).toBeUndefined();
    run.cells[i].edges[0].rttHistogram = 42;
    expectError(write('edge-histogram.json', JSON.stringify(run)), `cells[${i}].edges[0].rttHistogram: expected a string, got number`);
  });
  it('names a bare-chain floor row without its per-hop overhead', () => {
    const run = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../reports/fixture.run.json'), 'utf8'));
    delete run.floor[1].perHopOverheadUs;
    expectError(write('no-floor-per-hop.json', JSON.stringify(run)), 'floor[1].perHopOverheadUs: expected an object');
  });
  it('accepts a directory holding run.json', () => {
    fs.mkdirSync(path.join(dir, 'empty-run'));
    expectError(path.join(dir, 'empty-run'), 'run.json: no such file');
  });
});
