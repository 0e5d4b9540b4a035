// Podman runs a container's healthcheck from a systemd timer; with no systemd (PID 1 is something
// else: containers, sandboxes, many CI runners) the timer is never made, every container stays
// "starting" and `compose up --wait` waits for ever. Where that is so, this runs each healthcheck of
// the project's containers on its interval, as the timer would.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export const hasSystemd = () => fs.existsSync('/run/systemd/system');

export interface Ticker { stop(): void; }

/**
 * `podman healthcheck run` on each running container of the compose project that has a healthcheck,
 * each on its own interval (as the timer would: every run counts toward its retries).
 */
export function startHealthTicker(podman: string, globalArgs: string[], project: string, pollMs = 1000): Ticker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const podmanOut = (args: string[]) => new Promise<string>((resolve) => {
    // A run that hangs (an exec on a starved machine) must not stop this container's next ones.
    const child = spawn(podman, [...globalArgs, ...args], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000, killSignal: 'SIGKILL' });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('close', () => resolve(out));
    child.on('error', () => resolve(''));
  });
  /** Per container: its interval (ms) and when its next run is due; undefined while one runs. */
  const due = new Map<string, { everyMs: number; next: number | undefined }>();
  const tick = async () => {
    // Status reads "Up 3 seconds (starting)" for a container with a healthcheck; healthy ones are run
    // too: a process that stops answering must turn unhealthy, as under systemd.
    const ids = (await podmanOut(['ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.ID}} {{.Status}}']))
      .split('\n').filter((l) => /\((starting|healthy|unhealthy)\)/.test(l)).map((l) => l.split(' ')[0]);
    for (const id of ids.filter((i) => !due.has(i))) {
      // A Go duration ("5s"); anything but whole seconds falls back to compose's default, 5 s.
      const ms = Number((await podmanOut(['inspect', id, '--format', '{{.Config.Healthcheck.Interval}}'])).trim().replace(/s$/, '')) * 1000;
      due.set(id, { everyMs: Number.isFinite(ms) && ms > 0 ? ms : 5000, next: Date.now() });
    }
    for (const id of ids) {
      const d = due.get(id)!;
      if (d.next === undefined || d.next > Date.now()) continue;
      const started = Date.now();
      d.next = undefined;
      void podmanOut(['healthcheck', 'run', id]).then(() => { d.next = started + d.everyMs; });
    }
    if (!stopped) timer = setTimeout(() => void tick(), pollMs);
  };
  void tick();
  return { stop: () => { stopped = true; if (timer) clearTimeout(timer); } };
}
