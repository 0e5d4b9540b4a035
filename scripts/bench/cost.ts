// What a wiring costs to run: CPU seconds of all its processes per 1,000 requests, the database's
// CPU separately (from /proc, for the embedded server's process tree), and peak memory.
import fs from 'node:fs';
import type { ProcessStats } from '../../targets/wirings/supervisor.js';
import type { CostResult } from './results.js';

const CLOCK_TICKS_PER_S = 100;

/** CPU seconds used so far by a process and all its children (Linux /proc; undefined elsewhere). */
export function processTreeCpuS(rootPid: number | undefined): number | undefined {
  if (!rootPid || !fs.existsSync('/proc')) return undefined;
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      if (pid === rootPid || ppid === rootPid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / CLOCK_TICKS_PER_S;
}

export function cost(before: ProcessStats[], after: ProcessStats[], requests: number, dbCpuDeltaS: number | undefined): CostResult {
  const cpuS = after.reduce((t, p) => t + p.cpuUs, 0) / 1e6 - before.reduce((t, p) => t + p.cpuUs, 0) / 1e6;
  const per1k = (s: number) => (requests > 0 ? Math.round((s / requests) * 1000 * 1000) / 1000 : 0);
  return {
    processes: after.length,
    cpuSPer1kRequests: per1k(cpuS),
    dbCpuSPer1kRequests: dbCpuDeltaS === undefined ? null : per1k(dbCpuDeltaS),
    rssPeakMbSum: Math.round(after.reduce((t, p) => t + p.maxRssBytes, 0) / 2 ** 20),
  };
}
