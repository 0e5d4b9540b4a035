// Local HTTP servers for the driver's tests (127.0.0.1, port 0): they answer any path with JSON.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseScenario, type Arrival, type Scenario } from '../../scenarios/scenario.js';

export interface TestServer { url: string; requests(): number; close(): Promise<void>; }

async function listen(server: http.Server, count: () => number): Promise<TestServer> {
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: count,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Answers after `answerMs`, but holds every `every`-th request for `stallMs` (an async delay: other connections go on). */
export function stallingServer(opts: { answerMs: number; every: number; stallMs: number }): Promise<TestServer> {
  let n = 0;
  const server = http.createServer((req, res) => {
    const delay = ++n % opts.every === 0 ? opts.stallMs : opts.answerMs;
    req.resume();
    req.on('end', () => setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }, delay));
  });
  return listen(server, () => n);
}

/** Answers one request at a time, each after `serviceMs`: its capacity is 1000 / serviceMs requests per second. */
export function serialServer(opts: { serviceMs: number }): Promise<TestServer> {
  let n = 0;
  let busyUntil = 0;
  const server = http.createServer((req, res) => {
    n++;
    req.resume();
    req.on('end', () => {
      busyUntil = Math.max(busyUntil, Date.now()) + opts.serviceMs;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }, busyUntil - Date.now());
    });
  });
  return listen(server, () => n);
}

/** Reads every request and never answers. */
export function silentServer(): Promise<TestServer> {
  let n = 0;
  const server = http.createServer((req) => { n++; req.resume(); });
  return listen(server, () => n);
}

/**
 * A stand-in for the gateway's front door: checkout n answers 201 with an order, or (n % 4 === 2) 409
 * OUT_OF_STOCK, or (n % 4 === 3) 402 PAYMENT_DECLINED, in the gateway's error body; everything else 200/201.
 */
export function frontDoorServer(): Promise<TestServer & { issued: string[]; returned: string[] }> {
  let n = 0;
  const issued: string[] = [];
  const returned: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      n++;
      const send = (status: number, json: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(json)); };
      const error = (status: number, code: string, reason: string) => send(status, { error: { code, reason, message: reason.toLowerCase() } });
      if (req.url === '/api/checkout') {
        const k = Number(String(req.headers['idempotency-key']).split('-').pop());
        if (k % 4 === 2) return error(409, 'FAILED_PRECONDITION', 'OUT_OF_STOCK');
        if (k % 4 === 3) return error(402, 'FAILED_PRECONDITION', 'PAYMENT_DECLINED');
        const orderId = `ord-${k}`;
        issued.push(orderId);
        return send(201, { orderId, status: 'PAID' });
      }
      if (req.url === '/api/returns') {
        returned.push(JSON.parse(body).orderId);
        return send(201, { status: 'REQUESTED' });
      }
      send(200, { ok: true });
    });
  });
  return listen(server, () => n).then((t) => ({ ...t, issued, returned }));
}

export function testScenario(arrival: Arrival, over: Partial<{ durationS: number; warmupS: number; maxInFlight: number; timeoutMs: number; mix: Record<string, number> }> = {}): Scenario {
  return parseScenario({ name: 'driver-test', mix: { browse: 1 }, arrival, durationS: 10, warmupS: 0, maxInFlight: 64, timeoutMs: 5000, ...over }, 'driver test');
}
