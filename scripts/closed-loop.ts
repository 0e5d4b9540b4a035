// A closed loop of front-door requests: `concurrency` in flight, each sent when one is answered, until
// `count` are sent. What smoke and saga-check drive a wiring with (the benchmark has its own open-model driver).
import type { Pool } from 'undici';
import type { FrontDoorRequest } from '../scenarios/requests.js';

export interface Answered { status: number; json: any; }

/** Sends requests 0…count−1; answers the number of answers per status and error reason ("504 DEADLINE_EXCEEDED"). */
export async function closedLoop(pool: Pool, count: number, concurrency: number, request: (n: number) => FrontDoorRequest,
  onAnswer: (n: number, a: Answered, ms: number) => void = () => {}): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const n = next++;
      const t0 = process.hrtime.bigint();
      const a = await send(pool, request(n));
      const kind = `${a.status}${a.json?.error?.reason ? ` ${a.json.error.reason}` : ''}`;
      tally[kind] = (tally[kind] ?? 0) + 1;
      onAnswer(n, a, Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }));
  return tally;
}

export async function send(pool: Pool, r: FrontDoorRequest): Promise<Answered> {
  const res = await pool.request({ path: r.path, method: r.method, headers: r.headers, body: r.body });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : null };
}
