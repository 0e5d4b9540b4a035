// An implementation names its contract, the contracts it depends on, its schema and the events it
// consumes. It never learns whether a dependency is in this process or across the network: the wiring
// resolves that once, at start.
import type pg from 'pg';
import type { Api, Contract, In } from './contract.js';
import type { Ctx } from './ctx.js';

/**
 * A service's pool (db/pools.ts). A statement given the request's ctx is bounded by its deadline: it
 * waits for a connection no longer than that and is cancelled on the server if still running then.
 * The ctx is explicit, as for every call: no async context store (its promise hooks would tax every
 * promise of the process, in-process calls most of all).
 */
export type ServiceDb = pg.Pool & { query(config: pg.QueryConfig, ctx: Pick<Ctx, 'deadline'>): Promise<pg.QueryResult<any>> };

export type Deps<D extends Record<string, Contract>> = { [K in keyof D]: Api<D[K]> };

/** How much every service seeds (db/seed-data.ts has the facts it seeds from). */
export interface SeedSize { skus: number; customers: number; }

/** A service's own Postgres schema: migrations run in order on an empty schema, then the seed. */
export interface ServiceSchema { migrations: string[]; seed(db: pg.ClientBase, size: SeedSize): Promise<void>; }

/** The methods of a contract that take a batch of events: what a subscription may name. */
type BatchMethod<C extends Contract> = {
  [K in keyof C['methods']]: In<C['methods'][K]> extends { events: unknown[] } ? K : never;
}[keyof C['methods']] & string;

/** The events a service consumes, each with the method that takes a batch of them: { 'order.created': 'onOrdersCreated' }. */
export type Subscriptions<C extends Contract = Contract> = Record<string, BatchMethod<C>>;

/** Every event type's consumers, each with its batch method (event → service → method), derived from all services' subscriptions. */
export type Subscribers = Record<string, Record<string, string>>;

export interface ServiceEnv<D extends Record<string, Contract>> {
  deps: Deps<D>;
  /** This service's pool on its domain database; search_path is the service's own schema. */
  db: ServiceDb;
  /**
   * Background work (e.g. the outbox relay): started when the whole wiring is ready, stopped first on
   * shutdown; `stopping` is aborted then, so a tick can leave between items instead of finishing its batch.
   */
  loop(name: string, intervalMs: number, tick: (stopping: AbortSignal) => Promise<unknown>): void;
  /**
   * Start-up work (e.g. a saga's recovery): runs once the process listens, before it reports ready. A
   * failure is logged and does not stop the start.
   */
  onStart(name: string, work: () => Promise<unknown>): void;
  /** A pool of its own on the same schema (e.g. for a loop), apart from the one requests use; closed at stop. */
  ownDb(max: number): pg.Pool;
  /** Who consumes which event: what a service with an outbox delivers to. */
  subscribers: Subscribers;
}

export interface Implementation<C extends Contract = Contract, D extends Record<string, Contract> = Record<string, Contract>> {
  contract: C;
  deps: D;
  schema: ServiceSchema;
  subscriptions: Subscriptions<C>;
  create(env: ServiceEnv<D>): Api<C>;
}

/** Everything about one service in one object: what targets/services.ts lists. */
export function implement<C extends Contract, D extends Record<string, Contract>>(
  contract: C,
  options: { deps: D; schema: ServiceSchema; subscriptions?: Subscriptions<C> },
  create: (env: ServiceEnv<D>) => Api<C>,
): Implementation<C, D> {
  return { contract, deps: options.deps, schema: options.schema, subscriptions: options.subscriptions ?? {}, create };
}
