// One HTTP exchange at the front door, timed: undici's dispatch API tells when a request actually
// went onto a connection (after waiting for a free one) and when its body ended, which
// Pool.request's stream would blur. Every exchange ends exactly once: an answer, a timeout or a
// connection failure.
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import type { FrontDoorRequest } from '../../scenarios/requests.js';

export type Outcome =
  | { kind: 'answer'; status: number; body: string | undefined; wireMs: number; endMs: number }
  | { kind: 'timeout' | 'connection'; wireMs: number | undefined; endMs: number; message: string };

interface Exchange {
  deadline: number;
  wireMs?: number;
  controller?: Dispatcher.DispatchController;
  finished: boolean;
  finish(o: Outcome): void;
}

class TimedOut extends Error {}

export class Sender {
  private readonly pool: Pool;
  private readonly basePath: string;
  // Insertion order is send order and every exchange has the same timeout, so the oldest entries
  // are the first to expire: the sweep stops at the first one still in time.
  private readonly open = new Map<number, Exchange>();
  private nextId = 0;
  private readonly sweeper: NodeJS.Timeout;

  /** The deadline travels with the request, so the system gives up when the driver does (the front door takes 1…60,000 ms). */
  private readonly timeoutHeader: string;

  constructor(targetUrl: string, connections: number, private readonly timeoutMs: number) {
    this.timeoutHeader = String(Math.min(60_000, Math.max(1, Math.round(timeoutMs))));
    const url = new URL(targetUrl);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    this.sweeper = setInterval(() => this.sweep(), Math.min(10, timeoutMs / 4));
  }

  get outstanding(): number { return this.open.size; }

  /** `keepBody` decides from the status whether the body text is wanted (it is always read to the end). */
  send(req: FrontDoorRequest, keepBody: (status: number) => boolean, done: (o: Outcome) => void): void {
    const id = this.nextId++;
    let status = 0;
    let chunks: Buffer[] | undefined;
    const ex: Exchange = {
      deadline: performance.now() + this.timeoutMs,
      finished: false,
      finish: (o) => {
        if (ex.finished) return;
        ex.finished = true;
        this.open.delete(id);
        done(o);
      },
    };
    this.open.set(id, ex);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (controller) => {
        ex.wireMs = performance.now();
        ex.controller = controller;
        // Timed out while waiting for a connection: never put it on the wire.
        if (ex.finished) controller.abort(new TimedOut('timed out before a connection was free'));
      },
      onResponseStart: (_c, statusCode) => {
        status = statusCode;
        if (keepBody(statusCode)) chunks = [];
      },
      onResponseData: (_c, chunk) => { chunks?.push(chunk); },
      onResponseEnd: () => {
        const endMs = performance.now();
        ex.finish({ kind: 'answer', status, body: chunks && Buffer.concat(chunks).toString('utf8'), wireMs: ex.wireMs ?? endMs, endMs });
      },
      onResponseError: (_c, err) => {
        ex.finish({ kind: 'connection', wireMs: ex.wireMs, endMs: performance.now(), message: err.message });
      },
    };
    try {
      this.pool.dispatch({ path: this.basePath + req.path, method: req.method, headers: { ...req.headers, 'x-timeout-ms': this.timeoutHeader }, body: req.body ?? null }, handler);
    } catch (err) {
      ex.finish({ kind: 'connection', wireMs: undefined, endMs: performance.now(), message: (err as Error).message });
    }
  }

  private sweep(): void {
    const now = performance.now();
    for (const ex of this.open.values()) {
      if (ex.deadline > now) break;
      ex.finish({ kind: 'timeout', wireMs: ex.wireMs, endMs: now, message: `no answer within ${this.timeoutMs} ms` });
      ex.controller?.abort(new TimedOut('timed out'));
    }
  }

  /** Waits for every outstanding exchange to end (each within its timeout), then closes the connections. */
  async close(): Promise<void> {
    while (this.open.size > 0) await new Promise((r) => setTimeout(r, 5));
    clearInterval(this.sweeper);
    await this.pool.destroy();
  }
}
