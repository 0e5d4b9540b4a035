// Finding an external program the way a user installs it: a path they name, PATH, or Go's bin folder
// (`go install` puts k6 and Toxiproxy there without touching PATH).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** `name` in a folder on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    if (isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

let goBinDirs: string[] | undefined;
/** $(go env GOPATH)/bin, each of them; ~/go/bin when go itself is missing. */
export function goBins(): string[] {
  if (goBinDirs) return goBinDirs;
  let gopath = '';
  try {
    gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    // no go on this machine: fall back to its default GOPATH
  }
  const home = process.env.HOME ?? '';
  goBinDirs = (gopath || (home ? path.join(home, 'go') : '')).split(path.delimiter).filter(Boolean).map((p) => path.join(p, 'bin'));
  return goBinDirs;
}
