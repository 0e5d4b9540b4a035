// Toxiproxy (Shopify/toxiproxy 2.5.0, a Go module, MIT): runs one server as our child on 127.0.0.1 and
// drives it over its HTTP API. Its proxies carry the links of the fault cells (links.ts); what one costs
// with no toxic is measured by scripts/bench/proxy-cost.ts. The binary is an external program (see toxiproxyMissing()).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Agent, request } from 'undici';
import { goBins, isExecutable, onPath } from './binaries.js';

export const TOXIPROXY_INSTALL = 'go install github.com/Shopify/toxiproxy/v2/cmd/server@v2.5.0';

/** `go install …/cmd/server` names it `server`: only one that says it is toxiproxy (`toxiproxy-server version …`) counts. */
const verified = new Set<string>();
function saysToxiproxy(file: string): boolean {
  if (verified.has(file)) return true;
  try {
    const out = execFileSync(file, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 });
    if (/toxiproxy/i.test(out)) verified.add(file);
  } catch {
    // not a toxiproxy, or it failed: not ours
  }
  return verified.has(file);
}

/** The server binary: $SPLITBENCH_TOXIPROXY, else `toxiproxy-server` on PATH, else $(go env GOPATH)/bin/server; undefined when none. */
export function toxiproxyPath(): string | undefined {
  const explicit = process.env.SPLITBENCH_TOXIPROXY;
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  const found = onPath('toxiproxy-server');
  if (found) return found;
  for (const dir of goBins()) if (isExecutable(path.join(dir, 'server')) && saysToxiproxy(path.join(dir, 'server'))) return path.join(dir, 'server');
  return undefined;
}

/** Why Toxiproxy is missing and how to get it (read after "Toxiproxy not found: "). */
export function toxiproxyMissing(): string {
  const explicit = process.env.SPLITBENCH_TOXIPROXY;
  return (explicit ? `SPLITBENCH_TOXIPROXY=${explicit} is not an executable file; ` : '')
    + `looked for toxiproxy-server on PATH and for ${goBins().map((d) => path.join(d, 'server')).join(', ') || '$(go env GOPATH)/bin/server'}. `
    + `Install it with \`${TOXIPROXY_INSTALL}\` (a Go module, MIT; it lands in $(go env GOPATH)/bin/server), or point SPLITBENCH_TOXIPROXY at a toxiproxy-server binary.`;
}

export interface ToxicSpec { name: string; type: string; stream: 'upstream' | 'downstream'; toxicity?: number; attributes: Record<string, number>; }

export interface Toxiproxy {
  apiUrl: string;
  /** What its /version says ("git" for a `go install` build). */
  version: string;
  pid: number;
  /** `listen` may use port 0: the answer has the address it really listens on. */
  createProxy(name: string, upstream: string, listen: string): Promise<{ name: string; listen: string }>;
  deleteProxy(name: string): Promise<void>;
  addToxic(proxy: string, toxic: ToxicSpec): Promise<void>;
  removeToxic(proxy: string, toxic: string): Promise<void>;
  /** Down: open connections are cut and new ones refused. */
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
  /** Every proxy enabled, every toxic removed. */
  reset(): Promise<void>;
  /** Stops the server (a plain function: safe to hand around unbound). */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let killOnExit = false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startToxiproxy(opts: { log?: (m: string) => void } = {}): Promise<Toxiproxy> {
  const bin = toxiproxyPath();
  if (!bin) throw new Error(`Toxiproxy not found: ${toxiproxyMissing()}`);
  // Imported here: scripts/test-tools.ts imports this module only for toxiproxyPath, and the supervisor brings the services.
  const { freePorts } = await import('./supervisor.js');
  const [port] = await freePorts(1);
  const apiUrl = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['-host', '127.0.0.1', '-port', String(port)], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!killOnExit) {
    killOnExit = true;
    process.once('exit', () => { for (const c of running) c.kill('SIGKILL'); });
  }
  running.add(child);
  const tail: string[] = [];
  for (const s of [child.stdout!, child.stderr!]) s.setEncoding('utf8').on('data', (d: string) => { tail.push(...d.split('\n').filter(Boolean)); tail.splice(0, tail.length - 20); });
  let spawnError: Error | undefined;
  child.once('error', (e) => { spawnError = e; });
  const exited = new Promise<void>((resolve) => child.once('close', () => { running.delete(child); resolve(); }));
  const alive = () => child.exitCode === null && child.signalCode === null && !spawnError;
  const why = () => `${spawnError?.message ?? (alive() ? 'running' : `exited with ${child.signalCode ?? `code ${child.exitCode}`}`)}; its last output: ${tail.join(' | ') || '(none)'}`;
  const agent = new Agent({ keepAliveTimeout: 4_000 });

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= (async () => {
    if (alive()) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => { if (alive()) child.kill('SIGKILL'); }, 2_000);
      await exited;
      clearTimeout(kill);
    }
    running.delete(child);
    await agent.close();
  })());

  async function call(method: 'GET' | 'POST' | 'DELETE', p: string, body?: unknown): Promise<string> {
    let res;
    try {
      res = await request(apiUrl + p, { method, dispatcher: agent, headers: { 'content-type': 'application/json', 'user-agent': 'splitbench' }, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new Error(`Toxiproxy ${method} ${p}: ${(e as Error).message}${alive() ? '' : ` (the server at ${apiUrl} ${why()})`}`);
    }
    const text = await res.body.text();
    if (res.statusCode >= 200 && res.statusCode < 300) return text;
    let error = text.trim();
    try { error = (JSON.parse(text) as { error?: string }).error ?? error; } catch { /* not JSON: the text itself */ }
    throw new Error(`Toxiproxy ${method} ${p}: ${res.statusCode} ${error}`);
  }
  const seg = encodeURIComponent;

  const deadline = Date.now() + 10_000;
  let version: string | undefined;
  while (version === undefined) {
    if (!alive() || Date.now() > deadline) {
      const message = `Toxiproxy ${bin} on 127.0.0.1:${port}: ${alive() ? 'no answer to GET /version within 10 s, stopped' : 'did not start'} (${why()})`;
      await stop();
      throw new Error(message);
    }
    version = await call('GET', '/version').catch(() => undefined);
    if (version === undefined) await sleep(50);
  }
  try { version = (JSON.parse(version) as { version: string }).version; } catch { version = version.trim(); } // 2.5.0: plain text
  opts.log?.(`Toxiproxy ${version} (${bin}) listening at ${apiUrl}, pid ${child.pid}`);

  return {
    apiUrl, version, pid: child.pid!, stop,
    async createProxy(name, upstream, listen) {
      const p = JSON.parse(await call('POST', '/proxies', { name, upstream, listen, enabled: true })) as { listen: string };
      return { name, listen: p.listen };
    },
    async deleteProxy(name) { await call('DELETE', `/proxies/${seg(name)}`); },
    async addToxic(proxy, toxic) { await call('POST', `/proxies/${seg(proxy)}/toxics`, toxic); },
    async removeToxic(proxy, toxic) { await call('DELETE', `/proxies/${seg(proxy)}/toxics/${seg(toxic)}`); },
    async setEnabled(proxy, enabled) { await call('POST', `/proxies/${seg(proxy)}`, { enabled }); },
    async reset() { await call('POST', '/reset'); },
  };
}
