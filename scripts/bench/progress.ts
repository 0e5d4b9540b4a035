// One progress line for long runs: phase, elapsed, remaining, current rate and p99.
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

export const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;
