// Podman runs a container's healthcheck from a systemd timer; with no systemd (PID 1 is something
// else: containers, sandboxes, many CI runners) the timer is never made, every container stays
// "starting" and `compose up --wait` waits for ever. Where that is so, this runs each healthcheck of
// the project's containers on its interval, as the timer would.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export const hasSystemd = () => fs.existsSync('/run/systemd/system');

export interface Ticker { stop(): void; }

/** Every `everyMs`, `podman healthcheck run` on each running container of the compose project that has a healthcheck. */
export function startHealthTicker(podman: string, globalArgs: string[], project: string, everyMs = 2000): Ticker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const podmanOut = (args: string[]) => new Promise<string>((resolve) => {
    const child = spawn(podman, [...globalArgs, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('close', () => resolve(out));
    child.on('error', () => resolve(''));
  });
  const tick = async () => {
    // Status reads "Up 3 seconds (starting)" for a container with a healthcheck. Healthy ones are run too:
    // a process that stops answering must turn unhealthy, as under systemd.
    const ids = (await podmanOut(['ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.ID}} {{.Status}}']))
      .split('\n').filter((l) => /\((starting|healthy|unhealthy)\)/.test(l)).map((l) => l.split(' ')[0]);
    await Promise.all(ids.map((id) => podmanOut(['healthcheck', 'run', id])));
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  void tick();
  return { stop: () => { stopped = true; if (timer) clearTimeout(timer); } };
}
