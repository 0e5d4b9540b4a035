// npm run driver-check: is the load generator fit to measure at this rate on this machine? Drives a
// null server (its own process) at a constant rate and reports the driver's own scheduling lag, late
// sends and CPU — the instrument's error bar, not a property of any wiring.
import os from 'node:os';
import { parseScenario } from '../scenarios/scenario.js';
import { runDriverInChild } from './bench/driver-process.js';
import { startNullServer } from './bench/null-server.js';
import { clock, progress, rateAndP99 } from './bench/progress.js';
import { args, intFlag, log, onShutdown } from './cli.js';

const USAGE = `usage: npm run driver-check -- [--rate 5000] [--duration 10]
  --rate <req/s>     constant arrival rate to hold (default 5000)
  --duration <s>     measured seconds after a 2 s warm-up (default 10)`;
const { values } = args({ rate: { type: 'string' }, duration: { type: 'string' } }, USAGE);
if (values.help) { console.log(USAGE); process.exit(0); }
const rateRps = intFlag(values.rate, 'rate', 5000);
const durationS = intFlag(values.duration, 'duration', 10);

const shutdown = onShutdown();
const server = await startNullServer();
shutdown.add(server.stop);
const scenario = parseScenario({ name: 'driver-check', mix: { search: 1 }, arrival: { model: 'constant', rateRps }, durationS, warmupS: 2, maxInFlight: 256, timeoutMs: 5000 }, 'driver-check');
const bar = progress();
const began = Date.now();
const r = await runDriverInChild({ targetUrl: server.url, scenario, runTag: 'driver-check' }, (p) =>
  bar.update(`driver-check · ${p.phase} · elapsed ${clock((Date.now() - began) / 1000)} · ~${clock(p.remainingS + (p.phase === 'warmup' ? durationS : 0))} left${rateAndP99(p, 2)}`));
bar.done();
const all = r.workflows.find((w) => w.workflow === 'all')!;
const cpu = os.cpus();
console.log(`driver check: ${rateRps} req/s offered for ${durationS} s against a null server, ${cpu.length} × ${cpu[0]?.model.trim()}, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`  achieved ${r.achievedRps} req/s · sent ${r.sent} · dropped ${r.dropped} · late (> ${r.lateThresholdMs} ms) ${r.late}`);
console.log(`  scheduling lag p50 ${r.schedulingLagMs.p50} ms · p99 ${r.schedulingLagMs.p99} ms · max ${r.schedulingLagMs.max} ms`);
console.log(`  latency (null server) p50 ${all.latencyMs.p50} ms · p99 ${all.latencyMs.p99} ms · driver CPU ${((r.driverCpuS / durationS) * 100).toFixed(0)} % of one core`);
for (const w of r.warnings) log(`  ! ${w}`);
await shutdown.run(r.warnings.length ? 1 : 0);
