// A process's own figures — per-hop timing of its outgoing calls, CPU and memory — in one shape, read
// the same way by the supervisor (IPC) and over the health port (GET /stats), where containers, which
// have no supervisor, are read from.
import type { HopRecorder } from '../kit/hops.js';

export interface OwnStats { edges: ReturnType<HopRecorder['stats']>; cpuUs: number; rssBytes: number; maxRssBytes: number; }

export function ownStats(recorder: HopRecorder): OwnStats {
  const cpu = process.cpuUsage();
  return { edges: recorder.stats(), cpuUs: cpu.user + cpu.system, rssBytes: process.memoryUsage().rss, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}
