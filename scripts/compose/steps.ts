// compose-check's long steps: child processes in their own process group (a Ctrl-C reaches
// compose-check alone, which then stops them and tears down in order), their output kept in a log, and
// one progress line (phase, elapsed) while they run.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { clock, progress } from '../bench/progress.js';

export interface Steps {
  /** Runs cmd to its end; resolves with its exit status, its output appended to the log. */
  run(phase: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number>;
  /** Stops whatever step is running (its whole process group). */
  interrupt(): Promise<void>;
  /** The last n lines of the log. */
  tail(n: number): string;
  done(line: string): void;
}

export function steps(logFile: string): Steps {
  const bar = progress();
  const running = new Set<ChildProcess>();
  const log = fs.openSync(logFile, 'a');
  return {
    run(phase, cmd, args, env) {
      fs.writeSync(log, `\n$ ${cmd} ${args.join(' ')}\n`);
      const began = Date.now();
      const child = spawn(cmd, args, { env: env ?? process.env, stdio: ['ignore', log, log], detached: true });
      running.add(child);
      const timer = setInterval(() => bar.update(`${phase} · elapsed ${clock((Date.now() - began) / 1000)}`), 1000);
      return new Promise((resolve) => {
        child.on('error', (e) => { fs.writeSync(log, `${e.message}\n`); });
        child.on('close', (code, signal) => {
          clearInterval(timer);
          running.delete(child);
          bar.done(`${phase}: ${code === 0 ? 'done' : `exit ${code ?? signal}`} in ${clock((Date.now() - began) / 1000)}`);
          resolve(code ?? 1);
        });
      });
    },
    async interrupt() {
      await Promise.all([...running].map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || !child.pid) return resolve();
        const kill = (sig: NodeJS.Signals) => { try { process.kill(-child.pid!, sig); } catch { /* gone */ } };
        child.once('close', () => resolve());
        kill('SIGINT');
        setTimeout(() => kill('SIGKILL'), 15_000).unref();
      })));
    },
    tail: (n) => fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-n).join('\n'),
    done: (line) => bar.done(line),
  };
}
