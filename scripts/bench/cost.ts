// What a wiring costs to run: CPU seconds of all its processes per 1,000 requests, the database's
// CPU separately (from /proc, for the embedded server's process tree), and peak memory.
import fs from 'node:fs';
import type { ProcessStats } from '../../targets/wirings/supervisor.js';
import type { CostResult } from '../../results/run.js';

const CLOCK_TICKS_PER_S = 100;

/**
 * CPU seconds used so far by a process and every descendant, including descendants that already
 * ended: a process's cutime/cstime hold the CPU of its children once it has reaped them (Postgres
 * backends that exited in the window live on in the postmaster's), and a live descendant's own
 * cutime/cstime hold what it reaped in turn. Linux /proc; undefined elsewhere. A descendant that
 * ends between two reads is briefly in neither place only if its parent has not reaped it yet.
 */
export function processTreeCpuS(rootPid: number | undefined): number | undefined {
  if (!rootPid || !fs.existsSync('/proc')) return undefined;
  const byPid = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start after the last ')':
      // [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime (proc(5), counted from state = [0]).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // the process ended while we looked
    }
  }
  if (!byPid.has(rootPid)) return undefined;
  const children = new Map<number, number[]>();
  for (const [pid, p] of byPid) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  let ticks = 0;
  for (const stack = [rootPid]; stack.length;) {
    const pid = stack.pop()!;
    ticks += byPid.get(pid)?.ticks ?? 0;
    stack.push(...(children.get(pid) ?? []));
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
    perProcess: after.map((p) => ({
      group: p.group,
      cpuS: Math.round((p.cpuUs - (before.find((b) => b.group === p.group)?.cpuUs ?? 0)) / 1000) / 1000,
      rssMb: Math.round(p.maxRssBytes / 2 ** 20),
    })),
  };
}
