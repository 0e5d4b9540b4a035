// One pg pool per service, scoped to the service's schema: a service cannot see another's tables
// by accident (search_path), and pool sizes are explicit settings recorded with every run.
// A statement given a request's ctx (`db.query(config, ctx)`, `inTx(db, work, ctx)`) is bounded by its
// deadline, in every wiring alike: waiting for a pooled connection ends at the deadline, and a
// statement still running then is cancelled on the server (a cancel request, as psql's Ctrl-C) and its
// connection discarded. Nothing is paid on the way when the deadline is not reached: one timer per
// statement, no extra round trip. Without a ctx (background work, seeding) a statement is unbounded.
import pg from 'pg';
import type { ServiceDb } from '../kit/implement.js';
import { ServiceError } from '../kit/errors.js';
import { quoteIdent } from './prepare.js';

export const DEFAULT_POOL_MAX = 4;

const deadlineError = (what: string) => new ServiceError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', `deadline exceeded ${what}`);

type Deadline = { deadline: number };
const isDeadline = (v: unknown): v is Deadline => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Deadline).deadline === 'number';

export function servicePool(url: string, service: string, max = DEFAULT_POOL_MAX): ServiceDb {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 0, options: `-c search_path=${quoteIdent(service)}` });
  // An idle client's error (e.g. the server shutting down) must not crash the process.
  pool.on('error', () => {});
  const unbounded = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    const [config, ctx] = args;
    if (!isDeadline(ctx) || typeof config !== 'object' || config === null) return unbounded(...args);
    return boundedQuery(pool, ctx.deadline, config as pg.QueryConfig);
  };
  return pool as ServiceDb;
}

async function boundedQuery(pool: pg.Pool, deadline: number, config: pg.QueryConfig): Promise<pg.QueryResult> {
  const client = await acquire(pool, deadline);
  const guard = cancelAt(client, deadline);
  try {
    return await client.query(config);
  } catch (err) {
    throw guard.fired() ? deadlineError(`during a database statement (${pool.options.max} connections)`) : err;
  } finally {
    guard.clear();
    client.release(guard.fired() ? new Error('statement cancelled at its deadline') : undefined);
  }
}

/** A pooled connection, or DEADLINE_EXCEEDED once the deadline passes first (a connection that comes later goes back). */
async function acquire(pool: pg.Pool, deadline: number | undefined): Promise<pg.PoolClient> {
  if (deadline === undefined) return pool.connect();
  const leftMs = deadline - Date.now();
  if (leftMs <= 0) throw deadlineError('before a database statement');
  if (pool.idleCount > 0) return pool.connect();
  const connecting = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      connecting.then((c) => c.release(), () => {});
      reject(deadlineError(`waiting for one of ${pool.totalCount} database connections`));
    }, leftMs);
  });
  try {
    return await Promise.race([connecting, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * At the deadline, asks the server to cancel whatever this connection runs. The connection is then
 * discarded by its user: a cancel that arrives late must not hit a later statement of another request.
 */
function cancelAt(client: pg.PoolClient, deadline: number) {
  let fired = false;
  const timer = setTimeout(() => { fired = true; sendCancel(client); }, Math.max(0, deadline - Date.now()));
  return { fired: () => fired, clear: () => clearTimeout(timer) };
}

interface CancelConnection {
  on(event: 'error' | 'connect', listener: (...args: unknown[]) => void): void;
  connect(portOrPath: number | string, host?: string): void;
  cancel(processID: number, secretKey: number): void;
}

/** Postgres's cancel request: a fresh connection carrying the backend's key; the server closes it. */
function sendCancel(client: pg.PoolClient) {
  const { host, port, processID, secretKey } = client as unknown as { host: string; port: number; processID: number; secretKey: number };
  // pg's own Connection speaks the protocol; its typings omit connect and cancel.
  const con = new pg.Connection() as unknown as CancelConnection;
  con.on('error', () => {});
  con.on('connect', () => con.cancel(processID, secretKey));
  if (host.startsWith('/')) con.connect(`${host}/.s.PGSQL.${port}`);
  else con.connect(port, host);
}

/**
 * Runs `work` in one transaction on one client; a client whose ROLLBACK failed is discarded, not reused.
 * Given the request's ctx, the whole transaction is bounded by its deadline: a statement running at the
 * deadline is cancelled, one issued after it fails at once, and nothing commits.
 */
export async function inTx<T>(db: pg.Pool, work: (c: pg.PoolClient) => Promise<T>, ctx?: Deadline): Promise<T> {
  const deadline = ctx?.deadline;
  const c = await acquire(db, deadline);
  const guard = deadline === undefined ? undefined : cancelAt(c, deadline);
  const tx = guard ? expiring(c, guard.fired) : c;
  let broken: Error | undefined;
  try {
    await tx.query('BEGIN');
    const out = await work(tx);
    await tx.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch((e: Error) => { broken = e; });
    throw guard?.fired() ? deadlineError('during a database transaction') : err;
  } finally {
    guard?.clear();
    c.release(broken ?? (guard?.fired() ? new Error('transaction cancelled at its deadline') : undefined));
  }
}

/** The transaction's client as its work sees it: once the deadline has passed, every further statement fails. */
function expiring(c: pg.PoolClient, expired: () => boolean): pg.PoolClient {
  const view = Object.create(c) as pg.PoolClient;
  (view as { query: unknown }).query = (...args: unknown[]) =>
    expired() ? Promise.reject(deadlineError('before a database statement')) : (c.query as (...a: unknown[]) => unknown).apply(c, args);
  return view;
}
