// Every result names its machine: what ran, where, and how busy the machine was.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { Environment } from '../../results/run.js';

export function environment(): Environment {
  return {
    hostname: os.hostname(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    gitSha: git(['rev-parse', 'HEAD']) ?? 'unknown',
    gitDirty: (git(['status', '--porcelain']) ?? '') !== '',
    startedAt: new Date().toISOString(),
  };
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
