// The checkout and return sagas finish or compensate after their pivot, whatever happens to the caller.
// In every wiring of the matrix, on real Postgres and real processes: the test holds a lock on the
// order table, so the step after the pivot (order.create, order.markRefunded) blocks right there; then
// the request's deadline expires, or the process running checkout (or order) is SIGKILLed and started
// again. Each case ends with the order placed (a retry with the same key returns it) or the payment
// voided and the stock released, and every invariant holds.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkoutRequest, customerIdOfCheckout, customerOfCheckout, returnRequest } from '../../scenarios/requests.js';
import { alive } from '../db/embedded.js';
import { checkInvariants } from '../db/invariants.js';
import { prepareDatabases } from '../db/prepare.js';
import type { SeedSize } from '../db/seed-data.js';
import { SERVICES } from '../services.js';
import { orderIdFor } from '../domains/commerce/checkout/index.js';
import { groupOf, parseWiring } from './placement.js';
import { startWiring, type RunningWiring } from './supervisor.js';
import { frontDoorClient, MATRIX_WIRINGS, type Answer } from './testing.js';

const SIZE: SeedSize = { skus: 2_000, customers: 50 };
const dbUrls = inject('dbUrls');

/** A client of one domain database, for the test's own locks and reads. */
async function connect(domain: string) {
  const c = new pg.Client({ connectionString: dbUrls[domain] });
  await c.connect();
  return c;
}

/** Holds a lock that lets reads through and blocks every write to "order".orders until released. */
async function blockOrderWrites() {
  const c = await connect('commerce');
  await c.query('BEGIN');
  await c.query('LOCK TABLE "order".orders IN SHARE ROW EXCLUSIVE MODE');
  return { release: async () => { await c.query('ROLLBACK'); await c.end(); } };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const one = async (domain: string, sql: string, values: unknown[]) => {
  const c = await connect(domain);
  try { return (await c.query(sql, values)).rows[0]; } finally { await c.end(); }
};

const lockWaiters = async (): Promise<number> =>
  (await one('commerce', `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`, [])).n;

/**
 * A statement bound to the request's deadline is cancelled then, by a cancel request that may land after
 * the answer: let it land (up to 1 s) before the lock goes, so the request's own write cannot commit.
 */
const requestStatementCancelled = () => until('the request\'s statement to be cancelled', async () => ((await lockWaiters()) === 0 ? true : undefined), 1_000).catch(() => {});

/** A statement of the wiring waits on the test's lock: the saga stands right after its pivot. */
const blockedOnLock = (sent: Promise<unknown>) => {
  let answered = false;
  void sent.finally(() => { answered = true; });
  return until('a statement blocked on the order table', async () => {
    if (answered) throw new Error('the request was answered before it reached the order table');
    return (await lockWaiters()) > 0 ? true : undefined;
  }, 20_000);
};

/**
 * A SIGKILLed process's statement keeps waiting on the lock: Postgres only notices a dead client when it
 * next talks to it. End those, as a server with client_connection_check_interval would, so the dead
 * process cannot finish its work behind the test's back.
 */
const endLockWaiters = () => one('commerce', `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`, []);

const attemptOf = (n: number, tag: string) => one('commerce',
  'SELECT status FROM checkout.attempts WHERE customer_id = $1 AND idempotency_key = $2', [customerIdOfCheckout(n, SIZE), `${tag}-checkout-${n}`]);

/** The attempt is no longer in flight: settled (DONE, FAILED) or forgotten. */
const settled = (n: number, tag: string) => until(`checkout ${tag}-${n} to settle`, async () => {
  const a = await attemptOf(n, tag);
  return a?.status === 'PENDING' ? undefined : (a?.status ?? 'none');
}, 30_000);

async function expectInvariants() {
  const report = await checkInvariants(dbUrls, SERVICES);
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
}

/** Placed: the same key returns the order. Otherwise voided: the payment VOIDED and the reservation released. */
async function expectPlacedOrVoided(send: () => Promise<Answer>, n: number, tag: string) {
  const orderId = orderIdFor(customerIdOfCheckout(n, SIZE), `${tag}-checkout-${n}`);
  const retried = await send();
  const payment = await one('commerce', 'SELECT status FROM payment.payments WHERE order_id = $1', [orderId]);
  const reservation = await one('logistics', 'SELECT status FROM warehouse.reservations WHERE order_id = $1', [orderId]);
  if (retried.status === 201) {
    expect(retried.body.orderId).toBe(orderId);
    expect(payment.status).toBe('AUTHORIZED');
  } else {
    expect(retried.body.error.reason, JSON.stringify(retried.body)).toBe('CHECKOUT_CANCELLED');
    expect([payment.status, reservation.status]).toEqual(['VOIDED', 'RELEASED']);
  }
  return retried.status === 201 ? 'placed' : 'voided';
}

/**
 * Where the killed checkout's recovery must void (in-process and over a remote transport): each waits
 * out every attempt of order.create, the longest case here, so the other wirings see the order placed.
 */
const COMPENSATING = new Set(['monolith', 'services/http']);

for (const name of MATRIX_WIRINGS) {
  describe(`saga on ${name}`, () => {
    let wiring: RunningWiring;
    let client: ReturnType<typeof frontDoorClient>;
    const pids = new Set<number>();
    const outcomes: Record<string, string> = {};

    beforeAll(async () => {
      await prepareDatabases(dbUrls, SERVICES, SIZE);
      wiring = await startWiring({ wiring: name, dbUrls });
      client = frontDoorClient(wiring.gatewayUrl);
      // Warm: every connection on the checkout path open, so the pre-pivot steps fit a short deadline.
      expect((await client.send(checkoutRequest(0, SIZE, 'warm'))).status).toBe(201);
    });

    afterAll(async () => {
      await client?.close();
      const running = [...pids, ...(wiring?.pids ?? [])];
      await wiring?.stop();
      expect(running.filter(alive), 'processes left running after stop').toEqual([]);
      console.log(`${name}: ${JSON.stringify(outcomes)}`);
    });

    it('the deadline expires right after the authorization: the order is placed anyway', async () => {
      const r = checkoutRequest(1, SIZE, 'deadline');
      const lock = await blockOrderWrites();
      let answer: Answer;
      try {
        const sent = client.send(r, { 'x-timeout-ms': '3000' });
        await blockedOnLock(sent);
        answer = await sent;
        await requestStatementCancelled();
      } finally {
        await lock.release();
      }
      expect(answer.status, JSON.stringify(answer.body)).toBe(504);
      await settled(1, 'deadline');
      await expectInvariants();
      outcomes.deadline = await expectPlacedOrVoided(() => client.send(r), 1, 'deadline');
      expect(outcomes.deadline).toBe('placed');
    });

    /**
     * Checkout n blocked right after its authorization, the process hosting `service` SIGKILLed and
     * started again, then the lock released: how the saga ended, once settled, with every invariant held.
     * `holdThroughRestart`: the lock outlasts the restarted process's recovery, whose order.create then
     * runs out of attempts, so the saga must void; otherwise the lock goes as soon as recovery waits on
     * it, and the order is placed.
     */
    async function killWhileBlocked(n: number, tag: string, service: string, timeoutMs: number, holdThroughRestart = true) {
      const r = checkoutRequest(n, SIZE, tag);
      const lock = await blockOrderWrites();
      let released = false;
      try {
        const sent = client.send(r, { 'x-timeout-ms': String(timeoutMs) }).catch(() => undefined);
        await blockedOnLock(sent);
        for (const pid of wiring.pids) pids.add(pid);
        const exited = wiring.exits().length;
        const restart = wiring.kill(groupOf(wiring.wiring, service).name);
        await until('the killed process to be gone', async () => (wiring.exits().length > exited ? true : undefined));
        await endLockWaiters();
        if (!holdThroughRestart) {
          await until('recovery to wait on the order table', async () => ((await lockWaiters()) > 0 ? true : undefined), 30_000);
          await lock.release();
          released = true;
        }
        await restart;
        await sent;
      } finally {
        if (!released) await lock.release();
      }
      await settled(n, tag);
      await expectInvariants();
      return expectPlacedOrVoided(() => client.send(r), n, tag);
    }

    it('the process running checkout is killed right after the authorization: it finishes or voids when it starts again', async () => {
      const voids = COMPENSATING.has(name);
      outcomes.killed = await killWhileBlocked(2, 'killed', 'checkout', 30_000, voids);
      expect(outcomes.killed).toBe(voids ? 'voided' : 'placed');
    });

    if (groupOf(parseWiring(name), 'order').name !== groupOf(parseWiring(name), 'checkout').name) {
      it('the process running order is killed while it creates the order: checkout finishes or voids', async () => {
        outcomes.orderKilled = await killWhileBlocked(3, 'order-killed', 'order', 2_000);
      });
    }

    it('a return interrupted after the refund: the order ends REFUNDED and its units restocked', async () => {
      const placed = await client.send(checkoutRequest(4, SIZE, 'returned'));
      expect(placed.status).toBe(201);
      const orderId = placed.body.orderId;
      // Fulfillment commits the reservation (the units are sold) before the return puts them back.
      await until('the order to be fulfilled', async () =>
        (await one('logistics', 'SELECT status FROM warehouse.reservations WHERE order_id = $1', [orderId])).status === 'COMMITTED' ? true : undefined);
      const ret = returnRequest(orderId, customerOfCheckout(4, SIZE), 'interrupted');
      const lock = await blockOrderWrites();
      try {
        const sent = client.send(ret, { 'x-timeout-ms': '1500' });
        await blockedOnLock(sent);
        await sent;
        await requestStatementCancelled();
      } finally {
        await lock.release();
      }
      await until('the return to settle', async () => {
        const order = await one('commerce', 'SELECT status FROM "order".orders WHERE order_id = $1', [orderId]);
        return order.status === 'REFUNDED' ? true : undefined;
      }, 20_000);
      const restocked = await one('logistics', 'SELECT coalesce(sum(units), 0)::int AS units FROM warehouse.restocks WHERE order_id = $1', [orderId]);
      expect(restocked.units).toBeGreaterThan(0);
      await expectInvariants();
      const again = await client.send(ret);
      expect([again.status, again.body.status]).toEqual([201, 'REFUNDED']);
    });
  });
}

