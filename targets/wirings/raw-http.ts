// Test helper: HTTP/1.1 spoken byte by byte over node:net, so a test can send what no HTTP client
// would (raw bytes, bad framing, duplicate headers, control characters) and see exactly what comes back.
import net from 'node:net';

export interface RawRequest { method: string; target: string; headers: [string, string][]; body?: Buffer; chunked?: boolean; }
/** What came back: no status means the connection ended without an answer (or timed out). */
export interface RawAnswer { status?: number; headers: Record<string, string>; body: string; error?: string; }

/** A well-formed request: one per connection ("connection: close"), body framed by content-length or chunked. */
export function encodeRequest(r: RawRequest): Buffer {
  const lines = [`${r.method} ${r.target} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', ...r.headers.map(([n, v]) => `${n}: ${v}`)];
  const body = r.body ?? Buffer.alloc(0);
  if (r.chunked) {
    lines.push('transfer-encoding: chunked');
    const chunks = body.length ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')] : [];
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), ...chunks, Buffer.from('0\r\n\r\n')]);
  }
  if (r.body !== undefined) lines.push(`content-length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/**
 * Sends bytes on a fresh connection and reads until the server closes it. `halfClose` ends our side
 * after writing: what a client with a truncated request does (the server must then answer or close).
 */
export function sendRaw(port: number, bytes: Buffer, opts: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.setTimeout(opts.timeoutMs ?? 15_000, () => { error = 'timeout'; socket.destroy(); });
    socket.on('connect', () => { socket.write(bytes); if (opts.halfClose) socket.end(); });
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? e.message; });
    socket.on('close', () => resolve(parseAnswer(Buffer.concat(chunks), error)));
  });
}

function parseAnswer(raw: Buffer, error?: string): RawAnswer {
  const end = raw.indexOf('\r\n\r\n');
  const m = /^HTTP\/1\.1 (\d{3})/.exec(raw.subarray(0, 16).toString('latin1'));
  if (end < 0 || !m) return { headers: {}, body: '', error: error ?? (raw.length ? 'unparsable answer' : 'closed without an answer') };
  const headers: Record<string, string> = {};
  for (const line of raw.subarray(0, end).toString('latin1').split('\r\n').slice(1)) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  const body = raw.subarray(end + 4, length === undefined ? undefined : end + 4 + length).toString('utf8');
  return { status: Number(m[1]), headers, body, error };
}

/** The documented error shape, {"error":{code,reason,message}}; returns what is wrong with a body, or undefined. */
export function errorShapeProblem(body: string, isCode: (c: unknown) => boolean): string | undefined {
  let parsed: any;
  try { parsed = JSON.parse(body); } catch { return `not JSON: ${body.slice(0, 120)}`; }
  const e = parsed?.error;
  if (!e || typeof e !== 'object') return `no "error" object: ${body.slice(0, 120)}`;
  if (!isCode(e.code)) return `error.code ${JSON.stringify(e.code)} is not a known code`;
  if (typeof e.reason !== 'string' || !e.reason) return 'error.reason missing';
  if (typeof e.message !== 'string' || !e.message) return 'error.message missing';
  return undefined;
}
