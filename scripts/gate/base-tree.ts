// The base side of a same-job A/B: the base commit checked out in its own git worktree under
// .splitbench/base/<sha>/, with its own node_modules and its own build. Both are cached: a worktree
// whose build finished is reused as is, and node_modules is shared by lockfile hash (the candidate's
// own when the lockfiles match, else one `npm ci` per distinct lockfile, kept for the next run).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface BaseTree { sha: string; dir: string; reused: { worktree: boolean; nodeModules: 'candidate' | 'cache' | 'installed' } }

// Inside dist/ (ignored by git): the base tree stays clean, so its runs do not read as a dirty checkout.
const BUILT_MARKER = 'dist/.splitbench-built';

const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** `ref` resolved in `repo` (the candidate's tree); throws naming the ref when git does not know it. */
export function resolveRef(repo: string, ref: string): string {
  try {
    return git(repo, ['rev-parse', '--verify', `${ref}^{commit}`]);
  } catch {
    throw new Error(`--base "${ref}": not a commit in ${repo} (a shallow clone lacks history: fetch-depth 0)`);
  }
}

/** Where `git merge-base HEAD main` lands; throws when there is no main to meet. */
export function defaultBase(repo: string): string {
  try {
    return git(repo, ['merge-base', 'HEAD', 'main']);
  } catch {
    try {
      return git(repo, ['merge-base', 'HEAD', 'origin/main']);
    } catch {
      throw new Error('no merge base of HEAD with main or origin/main: pass --base <git-ref> (in CI, checkout with fetch-depth: 0)');
    }
  }
}

export const lockfileHash = (dir: string): string =>
  crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, 'package-lock.json'))).digest('hex').slice(0, 16);

export function prepareBaseTree(repo: string, ref: string, log: (m: string) => void): BaseTree {
  const sha = resolveRef(repo, ref);
  const root = path.join(repo, '.splitbench', 'base');
  const dir = path.join(root, sha);
  if (fs.existsSync(path.join(dir, BUILT_MARKER))) {
    log(`base ${sha.slice(0, 8)}: reusing the built worktree ${path.relative(repo, dir)}`);
    // Its marker's time is its last use: what pruning keeps.
    const now = new Date();
    fs.utimesSync(path.join(dir, BUILT_MARKER), now, now);
    return { sha, dir, reused: { worktree: true, nodeModules: 'cache' } };
  }
  pruneBaseTrees(repo, root, log);
  if (fs.existsSync(dir)) {
    // A worktree left half-built by an interrupted run: start it again.
    git(repo, ['worktree', 'remove', '--force', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(root, { recursive: true });
  git(repo, ['worktree', 'prune']);
  log(`base ${sha.slice(0, 8)}: git worktree at ${path.relative(repo, dir)}`);
  git(repo, ['worktree', 'add', '--detach', dir, sha]);

  const nodeModules = linkNodeModules(repo, dir, root, log);
  log(`base ${sha.slice(0, 8)}: npm run build`);
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  fs.writeFileSync(path.join(dir, BUILT_MARKER), `${new Date().toISOString()}\n`);
  return { sha, dir, reused: { worktree: false, nodeModules } };
}

/** Built base worktrees kept for reuse; the least recently used beyond this are removed before a new one is built. */
export const KEEP_BASE_TREES = 4;

function pruneBaseTrees(repo: string, root: string, log: (m: string) => void): void {
  if (!fs.existsSync(root)) return;
  const built = fs.readdirSync(root).filter((d) => /^[0-9a-f]{40}$/.test(d) && fs.existsSync(path.join(root, d, BUILT_MARKER)))
    .map((d) => ({ dir: path.join(root, d), used: fs.statSync(path.join(root, d, BUILT_MARKER)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  // One slot for the worktree about to be built.
  for (const old of built.slice(KEEP_BASE_TREES - 1)) {
    log(`base: removing the least recently used worktree ${path.relative(repo, old.dir)} (keeping ${KEEP_BASE_TREES})`);
    git(repo, ['worktree', 'remove', '--force', old.dir]);
  }
}

function linkNodeModules(repo: string, dir: string, root: string, log: (m: string) => void): BaseTree['reused']['nodeModules'] {
  const hash = lockfileHash(dir);
  if (hash === lockfileHash(repo) && fs.existsSync(path.join(repo, 'node_modules'))) {
    fs.symlinkSync(fs.realpathSync(path.join(repo, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
    log(`base: same lockfile as the candidate (${hash}): sharing its node_modules`);
    return 'candidate';
  }
  const cached = path.join(root, 'node_modules', hash);
  if (fs.existsSync(path.join(cached, 'node_modules'))) {
    log(`base: node_modules of lockfile ${hash} from the cache`);
    fs.symlinkSync(path.join(cached, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    return 'cache';
  }
  log(`base: npm ci (lockfile ${hash}, not cached yet)`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  fs.mkdirSync(cached, { recursive: true });
  fs.renameSync(path.join(dir, 'node_modules'), path.join(cached, 'node_modules'));
  fs.symlinkSync(path.join(cached, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return 'installed';
}
