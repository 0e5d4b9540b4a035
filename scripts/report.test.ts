// npm run report as a process: the report's path on success; on bad input, the file named on stderr
// and a non-zero exit. Runs the compiled CLI (npm test builds first).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'scripts', 'report.js');
const fixture = path.join(root, 'reports', 'fixture.run.json');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-report-cli-'));

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} missing: build first (npm run build; npm test does it)`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const report = (args: string[], cwd = dir) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
const runDir = (name: string, text: string) => {
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  fs.writeFileSync(path.join(dir, name, 'run.json'), text);
  return path.join(dir, name);
};

describe('npm run report', () => {
  it('writes the page and prints its path', () => {
    const r = report([fixture, '--out', path.join(dir, 'out')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`report: ${path.join('out', 'fixture-synthetic', 'index.html')}`);
    expect(fs.existsSync(path.join(dir, 'out', 'fixture-synthetic', 'index.html'))).toBe(true);
  });

  it('takes the run written last under results/ when given none', () => {
    const cwd = path.join(dir, 'project');
    for (const [i, id] of ['20000102-000000-quick', '20000101-000000-quick'].entries()) {
      const file = path.join(cwd, 'results', id, 'run.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(fixture, 'utf8')), runId: id }));
      fs.utimesSync(file, 1_000_000 + i, 1_000_000 + i); // the second one written is the newest, whatever its name
    }
    const r = report([], cwd);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(path.join('reports', '20000101-000000-quick', 'index.html'));
    expect(r.stdout).not.toContain('20000102-000000-quick');
  });

  it("draws an extraction study's page from its folder (advise.json, no run.json), and lists it", () => {
    const study = path.join(dir, 'study');
    fs.mkdirSync(study, { recursive: true });
    fs.copyFileSync(path.join(root, 'reports', 'fixture.advise.json'), path.join(study, 'advise.json'));
    const r = report([study, '--out', path.join(dir, 'out-study')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`extraction page: ${path.join('out-study', 'fixture-advise', 'index.html')}`);
    expect(fs.readFileSync(path.join(dir, 'out-study', 'index.html'), 'utf8')).toContain('fixture-advise/index.html');
  });

  const failsNaming = (args: string[], ...parts: string[]) => {
    const r = report(args);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    for (const part of parts) expect(r.stderr).toContain(part);
  };

  it('fails on a missing run, naming it', () => failsNaming([path.join(dir, 'nowhere')], `error: ${path.join(dir, 'nowhere')}: no such file`));
  it('fails on malformed JSON, naming the file', () => {
    const d = runDir('malformed', '{ not json');
    failsNaming([d], `${path.join(d, 'run.json')}: not valid JSON`);
  });
  it('fails on an unknown schema version, naming the file', () => {
    const d = runDir('future', JSON.stringify({ schemaVersion: 99, runId: 'x' }));
    failsNaming([d], `${path.join(d, 'run.json')}: schemaVersion: expected 2, got 99`);
  });
  it('fails when there is no run at all', () => failsNaming([], 'no run found under'));
});
