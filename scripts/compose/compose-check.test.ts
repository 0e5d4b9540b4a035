// compose-check interrupted while it drives load: Ctrl-C must still tear everything down. It runs the
// real thing (images, podman, Compose v2), so it needs those; under CI=true it runs (test-prereqs installs them).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { describeWith } from '../describe-with.js';

const lines = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
/** podman system service processes serving a socket compose-check made. */
const apiServices = () => lines('ps', ['-eo', 'pid=,args=']).filter((l) => /system service/.test(l) && /splitbench-podman-/.test(l));

describeWith('podman', 'compose-check, interrupted', () => describeWith('compose-v2', 'compose-check, interrupted (Compose v2)', () => {
  it('SIGINT while load is being driven: exit 130, and no container, volume, network (but the default) or API-service process is left', async () => {
    // More checkouts than it will get to: the load is still being driven when SIGINT arrives.
    const child = spawn('node', ['dist/scripts/compose-check.js', '--checkouts', '100000', '--rate', '20'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The bench's own progress line, in the steps log, says the driver is sending.
    let driving = false;
    while (!driving && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 1000));
      const log = /steps log: (\S+)/.exec(stderr)?.[1];
      driving = !!log && fs.existsSync(log) && /target · (warmup|measure)/.test(fs.readFileSync(log, 'utf8'));
    }
    expect(driving, `compose-check ended before driving load:\n${stderr}`).toBe(true);
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stderr).toContain('teardown: no container, volume, network or API-service process left');
    expect(lines('podman', ['ps', '-aq'])).toEqual([]);
    expect(lines('podman', ['volume', 'ls', '-q'])).toEqual([]);
    expect(lines('podman', ['network', 'ls', '--format', '{{.Name}}'])).toEqual(['podman']);
    expect(apiServices()).toEqual([]);
  }, 20 * 60_000);
}));
