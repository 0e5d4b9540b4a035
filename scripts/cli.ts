// Shared by the CLI scripts: argument errors that name the flag, and a clean stop on Ctrl-C.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function args<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string) {
  try {
    return parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    fail(`${(e as Error).message}\n\n${usage}`, 2);
  }
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

export function intFlag(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} "${value}": expected an integer ≥ ${min}`, 2);
  return n;
}

/**
 * Runs cleanups (stop processes, stop the database) on Ctrl-C, SIGTERM or a crash, then exits.
 * Cleanups run once, newest first.
 */
export function onShutdown(): { add(fn: () => Promise<void>): void; run(code: number): Promise<never> } {
  const cleanups: (() => Promise<void>)[] = [];
  let running: Promise<never> | undefined;
  const run = (code: number): Promise<never> => {
    running ??= (async () => {
      for (const fn of cleanups.reverse()) await fn().catch((e) => process.stderr.write(`cleanup: ${(e as Error).message}\n`));
      process.exit(code);
    })();
    return running;
  };
  process.on('SIGINT', () => { process.stderr.write('\nstopping (Ctrl-C)…\n'); void run(130); });
  process.on('SIGTERM', () => void run(143));
  process.on('uncaughtException', (e) => { process.stderr.write(`error: ${e.stack ?? e.message}\n`); void run(1); });
  process.on('unhandledRejection', (e) => { process.stderr.write(`error: ${(e as Error)?.stack ?? String(e)}\n`); void run(1); });
  return { add: (fn) => void cleanups.push(fn), run };
}

export const log = (m: string) => process.stderr.write(`${m}\n`);
