// The knobs of one benchmark run, with their defaults and up-front checks. Defaults are sized to
// finish every cell of a full run in well under a minute on a two-core machine.
import type { EngineName, StrategyName } from "./model.ts";
import { ENGINES, STRATEGIES } from "./model.ts";

export interface InventoryBenchOptions {
  readonly engines: readonly EngineName[];
  readonly strategies: readonly StrategyName[];
  /** Concurrent buyers: closed-loop clients, and connections on SQLite and PostgreSQL. Default 8. */
  readonly buyers: number;
  /** Hot SKUs the buyers compete for. Default 1 (one hot row). */
  readonly hotSkus: number;
  /** Units per reservation. Default 1. */
  readonly quantity: number;
  /** Units per hot SKU; default enough for every request, so refusals are false sold-outs. */
  readonly stock?: number;
  /** Requests per cell (stops the cell), or... */
  readonly requests?: number;
  /** ...a time budget per cell. Default 400 ms when neither is given. */
  readonly durationMs?: number;
  /** Open loop: requests arrive at this rate (per second) whatever the latency; default closed loop. */
  readonly arrivalRate?: number;
  /** Rows per SKU for the buckets strategy. Default 16. */
  readonly buckets: number;
  /** Optimistic compare-and-set attempts after the first. Default 16. */
  readonly retriesMax: number;
  /** PostgreSQL URL; default the PG* variables, else postgresql://127.0.0.1:5432/test. */
  readonly pgUrl?: string;
  /** Redis URL; default REDIS_URL, else redis://127.0.0.1:6379. */
  readonly redisUrl?: string;
}

export const DEFAULT_DURATION_MS = 400;
/** Stock when a cell is bounded by time, not requests: far more than any engine sells in the budget. */
export const DEFAULT_STOCK_TIMED = 50_000_000;
/** Bound on requests in flight in open-loop mode, so an engine that falls behind cannot exhaust memory. */
export const OPEN_LOOP_IN_FLIGHT_MAX = 4096;

export const defaultOptions = (): InventoryBenchOptions => ({
  engines: ENGINES,
  strategies: STRATEGIES.filter((s) => s !== "broken"),
  buyers: 8,
  hotSkus: 1,
  quantity: 1,
  buckets: 16,
  retriesMax: 16,
});

/** Units per SKU for a run: the explicit --stock, or enough for all requests when they are counted. */
export function stockPerSku(o: InventoryBenchOptions): number {
  if (o.stock !== undefined) return o.stock;
  if (o.requests !== undefined) return Math.ceil((o.requests * o.quantity) / o.hotSkus);
  return DEFAULT_STOCK_TIMED;
}
