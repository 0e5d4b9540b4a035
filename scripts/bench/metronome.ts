// A wake-up call at sub-millisecond precision that costs no CPU while waiting. Node's timers wake to
// the ms (often a ms late or early), and polling with setImmediate burns a whole core; a helper
// thread sleeping in Atomics.wait (µs resolution) and posting a message at the due time wakes the
// event loop without blocking its I/O. The message reaches the event loop ~0.05–0.3 ms after the due
// time (less when the loop is busy); callers that need better ask to be woken early and poll the rest.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

// Plain JS so it runs from the sources (vitest) as well as from dist. Layout of the shared memory:
// Int32 [0] generation (bumped on every change), Float64 [1] target in epoch ms (NaN idle, -1 stop).
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const gen = new Int32Array(workerData.sab, 0, 1);
const at = new Float64Array(workerData.sab, 8, 1);
for (;;) {
  const g = Atomics.load(gen, 0);
  const target = at[0];
  if (target < 0) break;
  if (Number.isNaN(target)) { Atomics.wait(gen, 0, g); continue; }
  const remaining = target - (performance.timeOrigin + performance.now());
  if (remaining > 0) { Atomics.wait(gen, 0, g, remaining); continue; }
  parentPort.postMessage(g);
  Atomics.wait(gen, 0, g);
}
`;

export class Metronome {
  private readonly gen: Int32Array;
  private readonly at: Float64Array;
  private readonly worker: Worker;

  static async start(onWake: () => void): Promise<Metronome> {
    const m = new Metronome(onWake);
    await new Promise<void>((resolve, reject) => { m.worker.once('online', resolve); m.worker.once('error', reject); });
    return m;
  }

  private constructor(onWake: () => void) {
    const sab = new SharedArrayBuffer(16);
    this.gen = new Int32Array(sab, 0, 1);
    this.at = new Float64Array(sab, 8, 1);
    this.at[0] = NaN;
    this.worker = new Worker(THREAD, { eval: true, workerData: { sab } });
    // A wake-up for a target already replaced is stale: ignore it.
    this.worker.on('message', (g: number) => { if (g === Atomics.load(this.gen, 0)) onWake(); });
    this.worker.unref();
  }

  /** Wake at `atMs` (performance.now() time of this thread), replacing any earlier request. */
  wakeAt(atMs: number): void { this.set(performance.timeOrigin + atMs); }

  async stop(): Promise<void> {
    this.set(-1);
    await this.worker.terminate();
  }

  private set(v: number): void {
    this.at[0] = v;
    Atomics.add(this.gen, 0, 1);
    Atomics.notify(this.gen, 0);
  }
}
