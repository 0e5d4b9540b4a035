// What a compose project leaves on podman, and removing all of it: containers, volumes and networks
// carry the project's label (Compose v2 sets com.docker.compose.project on each).
import { run } from './engine.js';

export interface Leftovers { containers: string[]; volumes: string[]; networks: string[]; }

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

export function leftovers(podman: string, project: string): Leftovers {
  const label = `label=com.docker.compose.project=${project}`;
  return {
    containers: lines(run(podman, ['ps', '-aq', '--filter', label]).stdout),
    volumes: lines(run(podman, ['volume', 'ls', '-q', '--filter', label]).stdout),
    networks: lines(run(podman, ['network', 'ls', '-q', '--filter', label]).stdout),
  };
}

/** Removes what `compose down -v` left (or all of it, when compose itself could not run): podman CLI only. */
export function sweep(podman: string, globalArgs: string[], project: string): Leftovers {
  const left = leftovers(podman, project);
  if (left.containers.length) run(podman, [...globalArgs, 'rm', '-f', '-t', '10', ...left.containers], { timeoutMs: 120_000 });
  if (left.volumes.length) run(podman, ['volume', 'rm', '-f', ...left.volumes], { timeoutMs: 60_000 });
  if (left.networks.length) run(podman, ['network', 'rm', '-f', ...left.networks], { timeoutMs: 60_000 });
  return leftovers(podman, project);
}

export const isEmpty = (l: Leftovers) => !l.containers.length && !l.volumes.length && !l.networks.length;
