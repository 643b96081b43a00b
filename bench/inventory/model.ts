// The vocabulary of the inventory contention benchmark: engines, strategies, what one reservation
// attempt can return, and the store surface every engine x strategy pair offers the harness.

export const ENGINES = ["memory", "sqlite-normal", "sqlite-full", "postgres", "redis"] as const;
export type EngineName = (typeof ENGINES)[number];

/**
 * pessimistic: lock the row (PG `SELECT ... FOR UPDATE`, SQLite `BEGIN IMMEDIATE`), read, decide, write.
 * conditional: one statement, `UPDATE ... WHERE available >= qty`, one transaction per reservation.
 * optimistic: read a version, then compare-and-set it, retrying a bounded number of times.
 * buckets: stock split into K rows per SKU; PG claims one with `FOR UPDATE SKIP LOCKED`, others round-robin.
 * batching: one writer commits every queued request in one transaction.
 * broken: read, then write the computed value back with no lock (lost update): exists only to prove
 *   the audit catches oversell; never a choice.
 */
export const STRATEGIES = ["pessimistic", "conditional", "optimistic", "buckets", "batching", "broken"] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** The name baseline cells carry in the report: the same work with no harness at all. */
export const RAW = "raw";

export type ReserveOutcome =
  | { readonly ok: true; readonly id: number }
  | { readonly ok: false; readonly reason: "sold-out" }
  /** Gave up: optimistic retries exhausted, or a lock/busy wait that never ended. */
  | { readonly ok: false; readonly reason: "aborted" };

/** Incidents the strategy met on its way, counted per cell. */
export interface Counters {
  retries: number;
  aborts: number;
  deadlocks: number;
  busy: number;
}

export const zeroCounters = (): Counters => ({ retries: 0, aborts: 0, deadlocks: 0, busy: 0 });

/** What one SKU looks like after a cell, read straight from the engine's tables. */
export interface SkuSnapshot {
  readonly sku: string;
  /** Sum of on-hand over the SKU's bucket rows. */
  readonly onHand: number;
  /** Sum of the SKU's stock movements (the receipt that loaded it, plus any others). */
  readonly movementsTotal: number;
  /** Sum of the `reserved` counters over the SKU's bucket rows. */
  readonly counterUnits: number;
  /** Sum of quantities of the SKU's reservation rows still active (held). */
  readonly activeUnits: number;
  /** Per bucket: on-hand below the units its active reservation rows claim. */
  readonly bucketsOverdrawn: number;
}

export interface CellSetup {
  /** Hot SKU names; the workload picks among them uniformly. */
  readonly skus: readonly string[];
  /** Units loaded per SKU by one receipt movement before the cell starts. */
  readonly stockPerSku: number;
  /** Rows per SKU for the buckets strategy (1 for every other strategy). */
  readonly buckets: number;
  /** Concurrent clients: connections on SQLite, PostgreSQL and Redis. */
  readonly connections: number;
  /** Attempts after the first for optimistic compare-and-set. */
  readonly retriesMax: number;
}

/** One engine running one strategy on freshly loaded stock. */
export interface ContentionStore {
  readonly engine: EngineName;
  readonly strategy: StrategyName;
  readonly counters: Counters;
  reserve(sku: string, quantity: number): Promise<ReserveOutcome>;
  /** Returns a held reservation's units to its bucket; false when the id is unknown or already released. */
  release(id: number): Promise<boolean>;
  snapshot(): Promise<SkuSnapshot[]>;
  close(): Promise<void>;
}
