// npm run saga-check as a process: a bad flag is named (exit 2, nothing started); a short run on the
// monolith passes (exit 0) and names its machine; Ctrl-C in the middle leaves no service process and no
// database server behind. Its own embedded Postgres, in a data folder of its own.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive } from '../targets/db/embedded.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'scripts', 'saga-check.js');
const dataDir = path.join(root, '.splitbench', 'pg-saga-check-test');
const env = { ...process.env, SPLITBENCH_PG_DIR: dataDir };
const postmaster = () => { try { return Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]); } catch { return undefined; } };
const childrenOf = (pid: number) => spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout.split('\n').map(Number).filter(Boolean);

describe('npm run saga-check', () => {
  it('names a bad flag and what it expects, exit 2, nothing started', () => {
    for (const [args, message] of [
      [['--wiring', 'moon'], /--wiring: unknown wiring "moon": expected one of: monolith/],
      [['--timeout-ms', '45-15'], /--timeout-ms "45-15": expected <min>-<max> milliseconds/],
      [['--checkouts', 'many'], /--checkouts "many": expected an integer ≥ 1/],
      [['--speed', '3'], /Unknown option '--speed'/],
    ] as const) {
      const r = spawnSync(process.execPath, [entry, ...args], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).toMatch(message);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('a short run on the monolith: every invariant holds, exit 0, the machine named', () => {
    const r = spawnSync(process.execPath, [entry, '--wiring', 'monolith', '--warmup', '3', '--checkouts', '60', '--concurrency', '4', '--timeout-ms', '2-200'],
      { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^saga-check on .+: \d+ × .+, node v/);
    expect(r.stdout).toMatch(/saga-check monolith: OK in \d+ s/);
    expect(r.stderr).toMatch(/saga-check monolith: 60 checkouts, x-timeout-ms 2–200, 4 in flight/);
    expect(r.stdout).not.toMatch(/^FAIL/m);
    const pm = postmaster();
    expect(pm === undefined || !alive(pm), 'the database server is stopped').toBe(true);
  });

  it('Ctrl-C during the load stops every process and the database', async () => {
    const child = spawn(process.execPath, [entry, '--wiring', 'domains/grpc', '--checkouts', '100000', '--timeout-ms', '20-60'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 1200 && !/100000 checkouts/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toMatch(/100000 checkouts/);
    const services = childrenOf(child.pid!);
    const server = postmaster();
    expect(services.length, 'the wiring\'s processes').toBeGreaterThanOrEqual(6);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(services.filter(alive), 'service processes left running').toEqual([]);
    expect(server !== undefined && alive(server), 'the database server left running').toBe(false);
  });
});
