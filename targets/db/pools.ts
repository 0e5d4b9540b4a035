// One pg pool per service, scoped to the service's schema: a service cannot see another's tables
// by accident (search_path), and pool sizes are explicit settings recorded with every run.
import pg from 'pg';
import { quoteIdent } from './prepare.js';

export const DEFAULT_POOL_MAX = 4;

export function servicePool(url: string, service: string, max = DEFAULT_POOL_MAX): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 0, options: `-c search_path=${quoteIdent(service)}` });
  // An idle client's error (e.g. the server shutting down) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` in one transaction on one client; a client whose ROLLBACK failed is discarded, not reused. */
export async function inTx<T>(db: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await db.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const out = await work(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch((e: Error) => { broken = e; });
    throw err;
  } finally {
    c.release(broken);
  }
}
