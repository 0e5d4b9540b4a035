// A statement given a request's ctx cannot outlive its deadline: not while it waits for a pooled
// connection, not while it runs, not inside a transaction; without a ctx nothing changes.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inTx, servicePool } from './pools.js';

const dbUrls = inject('dbUrls');
const SLOW_S = 30;

describe('service pools under a deadline', () => {
  let pool: ReturnType<typeof servicePool>;
  let observer: pg.Client;
  beforeAll(async () => {
    pool = servicePool(dbUrls.platform, 'public', 1);
    observer = new pg.Client({ connectionString: dbUrls.platform });
    await observer.connect();
  });
  afterAll(async () => {
    await pool.end();
    await observer.end();
  });

  /** Statements still running pg_sleep on the server (a cancelled one is gone). */
  const sleeping = async () => {
    for (let i = 0; ; i++) {
      const { rows } = await observer.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND pid <> pg_backend_pid()`);
      if (rows[0].n === 0 || i >= 100) return rows[0].n;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const timed = async (fn: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    const outcome = await fn().then(() => 'resolved', (e: { code?: string }) => e.code);
    return { outcome, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  };

  it('cancels a running statement at the deadline and the pool goes on serving', async () => {
    const budgetMs = 150;
    const r = await timed(() => pool.query({ text: `SELECT pg_sleep(${SLOW_S})` }, { deadline: Date.now() + budgetMs }));
    expect(r.outcome).toBe('DEADLINE_EXCEEDED');
    // Ordering, not speed: answered at the deadline, far before the statement would have ended.
    expect(r.ms).toBeGreaterThanOrEqual(budgetMs - 5);
    expect(r.ms).toBeLessThan((SLOW_S * 1000) / 10);
    expect(await sleeping(), 'the statement still runs on the server').toBe(0);
    expect((await pool.query({ text: 'SELECT 1 AS one' }, { deadline: Date.now() + 5000 })).rows[0].one).toBe(1);
  });

  it('bounds a whole transaction, and nothing of it commits', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS deadline_probe (n int)');
    await pool.query('TRUNCATE deadline_probe');
    const r = await timed(() => inTx(pool, async (c) => {
      await c.query('INSERT INTO deadline_probe VALUES (1)');
      await c.query(`SELECT pg_sleep(${SLOW_S})`);
      await c.query('INSERT INTO deadline_probe VALUES (2)');
    }, { deadline: Date.now() + 150 }));
    expect(r.outcome).toBe('DEADLINE_EXCEEDED');
    expect(r.ms).toBeLessThan((SLOW_S * 1000) / 10);
    expect(await sleeping()).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM deadline_probe')).rows[0].n).toBe(0);
    await pool.query('DROP TABLE deadline_probe');
  });

  it('gives up waiting for a busy pool at the deadline', async () => {
    const held = await pool.connect();
    try {
      const r = await timed(() => pool.query({ text: 'SELECT 1' }, { deadline: Date.now() + 100 }));
      expect(r.outcome).toBe('DEADLINE_EXCEEDED');
      expect(r.ms).toBeLessThan(5_000);
    } finally {
      held.release();
    }
    expect((await pool.query('SELECT 2 AS two')).rows[0].two).toBe(2);
  });

  it('leaves a statement without a ctx unbounded (background work, seeding)', async () => {
    expect((await pool.query('SELECT $1::int AS v', [7])).rows[0].v).toBe(7);
  });
});
