// The container tax: the same wiring as containers (one network namespace per process, calls over the
// bridge) and as host processes on loopback (the supervisor), against the same database servers (the
// compose ones), driven the same way (npm run bench -- --target), each process's figures read the
// same way (GET /stats on its health port: in a container through `podman exec`, its port is not published).
import fs from 'node:fs';
import path from 'node:path';
import { SERVICES } from '../../targets/services.js';
import { startWiring } from '../../targets/wirings/supervisor.js';
import { COMPOSE_DB, composeHostPort } from '../../targets/db/connect.js';
import { DEFAULT_PORTS } from '../../targets/wirings/process-env.js';
import type { OwnStats } from '../../targets/wirings/process-stats.js';
import { run } from './engine.js';
import type { Steps } from './steps.js';

export interface TaxSide { side: string; perHopP50Us: number; calls: number; checkoutP50Ms: number; checkoutP99Ms: number; answered: number; cpuMsPer1000: number; rssMiB: number; }

/** The quick profile's warm-up, which the bench adds before --duration: CPU is counted over both. */
const WARMUP_S = 2;

export interface TaxOptions { wiring: string; rate: number; durationS: number; podman: string; globalArgs: string[]; project: string; steps: Steps; work: string; onHost: (stop: () => Promise<void>) => void; }

export async function containerTax(o: TaxOptions): Promise<TaxSide[]> {
  // Containers: the wiring compose-check has brought up.
  const names = run(o.podman, ['ps', '--filter', `label=com.docker.compose.project=${o.project}`, '--format', '{{.Names}}']).stdout
    .split('\n').filter((n) => n && !/-(db-[a-z]+|seed)-\d+$/.test(n));
  const statsUrl = `http://127.0.0.1:${DEFAULT_PORTS.health}/stats`;
  const inContainer = (name: string, args: string[]) => run(o.podman, [...o.globalArgs, 'exec', name, 'wget', '-q', '-O', '-', ...args], { timeoutMs: 60_000 }).stdout;
  const containers = await side('containers', `http://127.0.0.1:${DEFAULT_PORTS.gateway}`, o,
    () => { for (const n of names) inContainer(n, ['--post-data=', `${statsUrl}/reset`]); },
    () => names.map((n) => JSON.parse(inContainer(n, [statsUrl])) as OwnStats));
  // Host processes: the supervisor's, on loopback, against the same servers through their published ports.
  const dbUrls = Object.fromEntries(SERVICES.domains.map((d) => [d, `postgres://${COMPOSE_DB.user}:${COMPOSE_DB.password}@127.0.0.1:${composeHostPort(SERVICES.domains, d)}/${d}`]));
  const host = await startWiring({ wiring: o.wiring, dbUrls });
  o.onHost(() => host.stop());
  try {
    const urls = Object.values(host.healthUrls).map((u) => u.replace(/\/health$/, '/stats'));
    const hostSide = await side('host processes', host.gatewayUrl, o,
      async () => { await Promise.all(urls.map((u) => fetch(`${u}/reset`, { method: 'POST' }))); },
      async () => Promise.all(urls.map(async (u) => (await (await fetch(u)).json()) as OwnStats)));
    return [containers, hostSide];
  } finally {
    await host.stop();
  }
}

async function side(name: string, target: string, o: TaxOptions, reset: () => void | Promise<void>, read: () => OwnStats[] | Promise<OwnStats[]>): Promise<TaxSide> {
  await reset();
  const before = await read();
  const out = path.join(o.work, `tax-${name.replace(/\s+/g, '-')}`);
  const code = await o.steps.run(`container tax: ${name}, ${o.rate} checkouts/s for ${WARMUP_S} + ${o.durationS} s`, 'npm', ['run', 'bench', '--', '--target', target,
    '--scenario', 'checkout-steady', '--profile', 'quick', '--no-micro', '--rate', String(o.rate), '--duration', String(o.durationS), '--out', out], process.env);
  if (code !== 0) throw new Error(`the bench against the ${name} failed (exit ${code})`);
  const after = await read();
  const flow = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')).target[0].workflows.find((w: { workflow: string }) => w.workflow === 'checkout');
  const edges = after.flatMap((s) => s.edges);
  const calls = edges.reduce((n, e) => n + e.calls, 0);
  const cpuUs = after.reduce((n, s) => n + s.cpuUs, 0) - before.reduce((n, s) => n + s.cpuUs, 0);
  const sent = o.rate * (WARMUP_S + o.durationS);
  return {
    side: name, calls, answered: flow.ok,
    perHopP50Us: calls ? Math.round(edges.reduce((n, e) => n + e.overheadUs.p50 * e.calls, 0) / calls) : NaN,
    checkoutP50Ms: flow.latencyMs.p50, checkoutP99Ms: flow.latencyMs.p99,
    cpuMsPer1000: Math.round(cpuUs / 1000 / sent * 1000),
    rssMiB: Math.round(after.reduce((n, s) => n + s.rssBytes, 0) / 2 ** 20),
  };
}

export function describeTax(rows: TaxSide[]): string[] {
  const head = ['side', 'per-hop overhead p50 (µs, calls-weighted)', 'remote calls', 'checkout p50 / p99 (ms)', 'checkouts ok', 'CPU ms per 1,000 sends (warm-up included)', 'RSS total (MiB)'];
  return [head.join(' | '), ...rows.map((r) => [r.side, r.perHopP50Us, r.calls, `${r.checkoutP50Ms} / ${r.checkoutP99Ms}`, r.answered, r.cpuMsPer1000, r.rssMiB].join(' | '))];
}
