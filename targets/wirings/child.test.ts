// The one way the suite forks a child: its compiled entry, its first word (ready, an error, an exit or
// silence, each naming the child), its stop (asked, then killed), and no child outliving its parent.
// Build first (npm test does): compiledEntry and the parent below use dist/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledEntry, forkChild } from './child.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-child-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A child script from its body; `process.send` is there (forked with IPC). */
function script(name: string, body: string): string {
  const file = path.join(dir, `${name}.mjs`);
  fs.writeFileSync(file, body);
  return file;
}

/** Alive, not a zombie left for its adopter to reap (Linux's /proc). */
const isRunning = (pid: number) => { try { return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; } };

describe('forkChild', () => {
  it('waits for the ready message, then stops the child by closing its channel', async () => {
    const child = forkChild(script('ready', `process.send({ type: 'ready', port: 1234 }); process.on('disconnect', () => process.exit(0));`), { name: 'test child' });
    expect(await child.ready<{ type: 'ready'; port: number }>(5_000)).toEqual({ type: 'ready', port: 1234 });
    await child.stop({ via: 'disconnect' });
    expect(child.alive()).toBe(false);
    expect(child.process.exitCode).toBe(0);
  });

  it('rejects naming the child on an error message, an exit before ready, or silence', async () => {
    const failing = forkChild(script('error', `process.send({ type: 'error', message: 'no database' }); setTimeout(() => process.exit(1), 50);`), { name: 'db child' });
    await expect(failing.ready(5_000)).rejects.toThrow(/^db child: no database$/);
    await failing.exited;

    const exiting = forkChild(script('exit', 'process.exit(3);'), { name: 'short child' });
    await expect(exiting.ready(5_000)).rejects.toThrow(/^short child: exited before it was ready \(code 3\)$/);

    const silent = forkChild(script('silent', `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`), { name: 'quiet child' });
    await expect(silent.ready(200)).rejects.toThrow(/^quiet child: not ready within 200 ms$/);
    // It ignores SIGTERM: killed once the grace is over.
    await silent.stop({ graceMs: 200 });
    expect(silent.process.signalCode).toBe('SIGKILL');
  });

  it('passes arguments and the environment, without the parent\'s execArgv', async () => {
    const child = forkChild(script('echo', `process.send({ type: 'ready', argv: process.argv.slice(2), env: process.env.SPLITBENCH_CHILD_TEST, execArgv: process.execArgv }); process.on('disconnect', () => process.exit(0));`),
      { name: 'echo child', args: ['--group=x'], env: { ...process.env, SPLITBENCH_CHILD_TEST: 'yes' } });
    expect(await child.ready(5_000)).toEqual({ type: 'ready', argv: ['--group=x'], env: 'yes', execArgv: [] });
    await child.stop({ via: 'disconnect' });
  });

  it('kills its children when the parent exits without stopping them', async () => {
    const stubborn = script('stubborn', `process.on('SIGTERM', () => {}); process.on('disconnect', () => {}); process.send({ type: 'ready' }); setInterval(() => {}, 1000);`);
    const pidFile = path.join(dir, 'stubborn.pid');
    const parent = script('parent', `
      import fs from 'node:fs';
      import { forkChild } from ${JSON.stringify(pathToFileURL(compiledEntry(new URL('./child.js', import.meta.url))).href)};
      const child = forkChild(${JSON.stringify(stubborn)}, { name: 'stubborn' });
      await child.ready(5_000);
      fs.writeFileSync(${JSON.stringify(pidFile)}, String(child.process.pid));
      process.exit(0);`);
    // No pipes: a surviving child would hold them open, and the test would wait on it instead of failing.
    expect(spawnSync(process.execPath, [parent], { stdio: 'ignore', timeout: 20_000 }).status).toBe(0);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    // Killed as the parent left (the signal may take a moment to land).
    for (let i = 0; i < 40 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
    const survived = isRunning(pid);
    if (survived) process.kill(pid, 'SIGKILL');
    expect(survived).toBe(false);
  });
});

describe('compiledEntry', () => {
  const root = path.resolve(import.meta.dirname, '../..');

  it('is a source module\'s twin under dist/, and a compiled module itself', () => {
    const built = path.join(root, 'dist/targets/wirings/process.js');
    expect(compiledEntry(new URL('./process.ts', import.meta.url))).toBe(built);
    expect(compiledEntry(new URL('./process.js', import.meta.url))).toBe(built);
    expect(compiledEntry(pathToFileURL(built))).toBe(built);
  });

  it('says to build when the compiled file is missing', () => {
    expect(() => compiledEntry(new URL('./no-such-module.ts', import.meta.url))).toThrow(/dist\/targets\/wirings\/no-such-module\.js not found: build first \(npx tsc -p \.\)/);
  });
});
