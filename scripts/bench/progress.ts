// One progress line for long runs: phase, elapsed, remaining, current rate and p99.

/**
 * Where a long step stands, as every step reports it (the open-loop driver, saturation, k6, the relay
 * benchmark) and the progress line prints it. Drivers add what the last interval measured; the relay
 * benchmark what is left to drain.
 */
export interface PhaseProgress<Phase extends string = string> {
  phase: Phase;
  /** Seconds into the phase (the relay benchmark: into the whole benchmark). */
  elapsedS: number;
  /** Seconds the phase has left; NaN when its end is not set in advance (a drain ends with its backlog). */
  remainingS: number;
  /** Answers per second over the last interval. */
  rateRps?: number;
  /** p99 over the last interval; NaN while the driver streams no percentiles (k6). */
  p99Ms?: number;
  /** Sends so far (the open-loop driver). */
  sent?: number;
  /** Events not yet delivered (the relay benchmark). */
  remainingEvents?: number;
}

/** A load driver's phases: the measurement window opens at 'measure'. */
export type DriverPhase = 'warmup' | 'measure';

export interface Progress { update(line: string): void; done(line?: string): void; }

export function progress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let lastPrinted = 0;
  let pending = '';
  return {
    update(line) {
      pending = line;
      if (stream.isTTY) { stream.write(`\r\x1b[2K${line}`); return; }
      // Without a terminal (CI logs) print at most every 5 s, so logs stay readable.
      if (Date.now() - lastPrinted >= 5_000) { stream.write(`${line}\n`); lastPrinted = Date.now(); pending = ''; }
    },
    done(line) {
      if (stream.isTTY) stream.write('\r\x1b[2K');
      else if (pending && !line) stream.write(`${pending}\n`);
      if (line) stream.write(`${line}\n`);
      pending = '';
    },
  };
}

/** " · 812 req/s · p99 4.2 ms": what a driver measured over the last interval, "—" for what it has not said. */
export function rateAndP99(p: PhaseProgress, p99Digits = 1): string {
  const said = (x: number | undefined) => x !== undefined && !Number.isNaN(x);
  return ` · ${said(p.rateRps) ? Math.round(p.rateRps!) : '—'} req/s · p99 ${said(p.p99Ms) ? p.p99Ms!.toFixed(p99Digits) : '—'} ms`;
}

export const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;
