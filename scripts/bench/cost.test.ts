// The database's CPU must include backends that ended in the window: a process tree's CPU counts
// children its root has already reaped (cutime/cstime), not only the live ones.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { processTreeCpuS } from './cost.js';

// The child burns CPU and reports how much; the parent waits for it (reaping it), says so, and idles.
const CHILD = 'const t = Date.now(); while (Date.now() - t < 400); const u = process.cpuUsage(); console.log((u.user + u.system) / 1e6);';
const PARENT = `const { spawnSync } = require('node:child_process');
const r = spawnSync(process.execPath, ['-e', ${JSON.stringify(CHILD)}], { encoding: 'utf8' });
console.log('child ' + r.stdout.trim());
setTimeout(() => {}, 30000);`;

describe.skipIf(process.platform !== 'linux')(`processTreeCpuS${process.platform === 'linux' ? '' : ` [skipped: reads /proc, which ${process.platform} has not]`}`, () => {
  it('keeps the CPU of a child that has exited and been reaped', async () => {
    const parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      parent.stdout.setEncoding('utf8');
      while (!/child [\d.]+\n/.test(out)) {
        const [chunk] = await once(parent.stdout, 'data');
        out += chunk;
      }
      const childCpuS = Number(/child ([\d.]+)/.exec(out)![1]);
      const treeCpuS = processTreeCpuS(parent.pid)!;
      expect(childCpuS).toBeGreaterThan(0.1);
      // The child is gone: only the parent's cutime/cstime can still hold its CPU (clock ticks: 10 ms).
      expect(treeCpuS).toBeGreaterThanOrEqual(childCpuS * 0.9);
    } finally {
      parent.kill();
    }
  }, 20_000);

  it('is undefined for a process that does not exist', () => {
    expect(processTreeCpuS(2 ** 22 + 1)).toBeUndefined();
  });
});
