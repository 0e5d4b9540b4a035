// A Node child process on an IPC channel, started the one way the suite starts them: the service
// processes (supervisor.ts) and the bench's load driver, null server and echo servers (scripts/bench/).
// It lives in targets/wirings, beside the supervisor, because targets/ must not import scripts/, and
// not in targets/kit, whose contracts and transports know nothing of processes.
//
// Parent side:
//   const child = forkChild(compiledEntry(import.meta.url), { name: 'http echo server', args: ['http'] });
//   const { port } = await child.ready<{ type: 'ready'; port: number }>(15_000);
//   …
//   await child.stop({ via: 'disconnect' });
// Child side (the same module, run as the entry):
//   if (isForkedMain(import.meta.url)) await tellParent({ type: 'ready', port });
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A child's first word to its parent: ready (with what the parent needs), or why it could not start. */
export type ReadyMessage<R extends { type: 'ready' } = { type: 'ready' }> = R | { type: 'error'; message: string };

/**
 * The compiled JavaScript of a module (pass its URL: `import.meta.url`, or a sibling's `new URL('./x.js',
 * import.meta.url)`): the file itself under dist/, and its dist/ twin when running from the TypeScript
 * sources (vitest) — a child always runs as plain node, never through a TypeScript loader.
 * Throws when it is not built.
 */
export function compiledEntry(moduleUrl: string | URL): string {
  const file = fileURLToPath(moduleUrl).replace(/\.ts$/, '.js');
  const root = projectRoot(path.dirname(file));
  const dist = path.join(root, 'dist');
  const entry = file.startsWith(dist + path.sep) ? file : path.join(dist, path.relative(root, file));
  if (!fs.existsSync(entry)) throw new Error(`${entry} not found: build first (npx tsc -p .)`);
  return entry;
}

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: cannot find the project's dist/`);
  }
}

/** The child side: whether this module is the process's entry point and a parent holds its IPC channel. */
export function isForkedMain(moduleUrl: string): boolean {
  return process.send !== undefined && process.argv[1] !== undefined && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

/** The child side: resolves once the message has left (a process that exits right after a bare send can drop it). */
export function tellParent(message: unknown): Promise<void> {
  return new Promise((resolve) => (process.connected ? process.send!(message, undefined, {}, () => resolve()) : resolve()));
}

export interface ForkOptions {
  /** Names the child in every error: "http echo server", 'services/http: process "commerce"'. */
  name: string;
  args?: string[];
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface Child {
  /** For the child's own protocol after it is ready (send, 'message', 'exit'). */
  readonly process: ChildProcess;
  alive(): boolean;
  /** Resolves when the child has exited, however it ended. */
  readonly exited: Promise<void>;
  /**
   * Its ready message; rejects, naming the child, on an error message, an exit, or silence for
   * timeoutMs. Other messages are left to the caller. A child that failed is left running: stop it.
   */
  ready<R extends { type: 'ready' }>(timeoutMs: number): Promise<R>;
  /**
   * Asks the child to leave — by closing its channel (`disconnect`) or a signal (default SIGTERM) —
   * then SIGKILL after graceMs (default 3 s). Resolves once it has exited.
   */
  stop(how?: { via?: 'disconnect' | 'SIGTERM' | 'SIGKILL'; graceMs?: number }): Promise<void>;
}

/** Children still running: this process takes them with it when it exits, whatever the reason. */
const running = new Set<ChildProcess>();
let killOnExit = false;

/** Forks `entry` with an IPC channel, without this process's --inspect / loader flags. */
export function forkChild(entry: string, opts: ForkOptions): Child {
  const child = fork(entry, opts.args ?? [], { env: opts.env, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const alive = () => child.exitCode === null && child.signalCode === null;
  // One listener for every child: a wiring forks 21, past Node's warning for listeners on one event.
  if (!killOnExit) {
    killOnExit = true;
    process.once('exit', () => { for (const c of running) c.kill('SIGKILL'); });
  }
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));

  const ready = <R extends { type: 'ready' }>(timeoutMs: number) => new Promise<R>((resolve, reject) => {
    const settle = (error: string | undefined, message?: R) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error === undefined) resolve(message!);
      else reject(new Error(`${opts.name}: ${error}`));
    };
    const onMessage = (m: ReadyMessage<R>) => {
      if (m?.type === 'ready') settle(undefined, m as R);
      else if (m?.type === 'error') settle(m.message);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => settle(`exited before it was ready (${signal ?? `code ${code}`})`);
    const onError = (e: Error) => settle(e.message);
    const timer = setTimeout(() => settle(`not ready within ${timeoutMs} ms`), timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
    if (!alive()) onExit(child.exitCode, child.signalCode);
  });

  const stop = async ({ via = 'SIGTERM', graceMs = 3_000 }: { via?: 'disconnect' | 'SIGTERM' | 'SIGKILL'; graceMs?: number } = {}) => {
    if (!alive()) return;
    if (via !== 'disconnect') child.kill(via);
    else if (child.connected) child.disconnect();
    const kill = setTimeout(() => { if (alive()) child.kill('SIGKILL'); }, graceMs);
    await exited;
    clearTimeout(kill);
  };

  return { process: child, alive, exited, ready, stop };
}
