// The relay benchmark on a small backlog: every event drained, every invariant holding, in one
// process and across 21. Counts only; how fast is the benchmark's business, not the test's.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { runRelayBench } from './relay-bench.js';

const dbUrls = inject('dbUrls');

describe('relay benchmark', () => {
  for (const wiring of ['monolith', 'services/grpc']) {
    it(`${wiring}: drains a backlog of 2,000 events with every invariant holding`, async () => {
      const phases = new Set<string>();
      const { row, invariants } = await runRelayBench({ wiring, events: 2_000, urls: dbUrls, onProgress: (p) => phases.add(p.phase) });
      expect(invariants.checks.filter((c) => !c.ok)).toEqual([]);
      expect(invariants.events).toBe(2_000);
      expect(row).toMatchObject({ kind: 'outbox', transport: wiring, events: 2_000, invariantsOk: true });
      expect(row.eventsPerS).toBeGreaterThan(0);
      expect([...phases]).toEqual(['seed', 'start', 'backlog', 'drain', 'invariants']);
      const c = new pg.Client({ connectionString: dbUrls.commerce });
      await c.connect();
      try {
        const { rows } = await c.query('SELECT count(*) FILTER (WHERE done_at IS NULL)::int AS open, max(attempts)::int AS attempts FROM "order".outbox');
        expect(rows[0]).toEqual({ open: 0, attempts: 0 });
      } finally {
        await c.end();
      }
    });
  }
});
