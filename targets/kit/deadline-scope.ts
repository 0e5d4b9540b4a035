// The deadline of the handler running now, for code that gets no ctx: the database pools (db/pools.ts)
// bound every statement by it, so a query cannot outlive its request in any wiring. Set once per
// handler call by wrapHandlers; background work (the outbox relay) runs outside any scope, unbounded.
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<number>();

/** Absolute deadline (Date.now() ms) of the current handler, or undefined outside one. */
export const currentDeadline = (): number | undefined => scope.getStore();

/** Runs fn with a deadline: a handler's own, or a fresh one for work that must outlive it (a compensation). */
export const withDeadline = <T>(deadline: number, fn: () => T): T => scope.run(deadline, fn);
