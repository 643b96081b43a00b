// The stores of a live run, on real engines, each run in its own fresh PostgreSQL schema, Redis key
// prefix and JetStream stream, dropped when the run closes them.
//   postgres  inventory, order ledger (+ outbox), payment ledger, checkout commands on PostgreSQL;
//             catalog, cart and event stream in memory (no PostgreSQL adapter exists for them).
//   real      the same PostgreSQL stores, the cart on Redis, the event stream on NATS JetStream
//             (its consumer dedupe in PostgreSQL); the catalog in memory (no networked adapter yet).
import type { Redis } from "ioredis";
import type { NatsConnection } from "@nats-io/transport-node";
import pg from "pg";
import type { Clock } from "../../core/clock.ts";
import type { Stores } from "../../core/ports/index.ts";
import { MemoryCart, MemoryCatalog, MemoryEventStream } from "../../adapters/memory/index.ts";
import { describeTarget, pgConfig, probePostgres } from "../../adapters/postgres/connection.ts";
import { PostgresInventory } from "../../adapters/postgres/inventory.ts";
import { PostgresOrderLedger } from "../../adapters/postgres/orderLedger.ts";
import { PostgresPaymentLedger } from "../../adapters/postgres/paymentLedger.ts";
import { PostgresCheckoutCommands } from "../../adapters/postgres/checkoutCommands.ts";
import { PostgresConsumerDedupe } from "../../adapters/postgres/consumerDedupe.ts";
import { connectRedis, describeRedis, probeRedis, redisUrl } from "../../adapters/redis/connection.ts";
import { RedisCart } from "../../adapters/redis/cart.ts";
import { connectNats, natsServers, probeNats } from "../../adapters/nats/connection.ts";
import { NatsEventStream } from "../../adapters/nats/eventStream.ts";

import type { MonolithDb } from "../../adapters/monolith/monolithDb.ts";
import type { LiveEngine } from "./engines.ts";

export { LIVE_ENGINES, type LiveEngine } from "./engines.ts";

/** Where the engines are; each falls back to its adapter's variables (PG* or DATABASE_URL, REDIS_URL, NATS_URL), then this machine. */
export interface LiveEndpoints {
  readonly pgUrl?: string;
  readonly redisUrl?: string;
  readonly natsUrl?: string;
}

/** Which engine holds each store in a live run. */
export type StoreEngines = Readonly<Record<keyof Stores, "memory" | "sqlite" | "postgres" | "redis" | "nats">>;

export function storeEngines(engine: LiveEngine): StoreEngines {
  return {
    catalog: "memory",
    cart: engine === "real" ? "redis" : "memory",
    inventory: "postgres",
    orders: "postgres",
    payments: "postgres",
    commands: "postgres",
    events: engine === "real" ? "nats" : "memory",
  };
}

export interface LiveStores {
  readonly stores: Stores;
  readonly engines: StoreEngines;
  /** Where this run's data lives (schema, key prefix, stream), for the report. */
  readonly namespace: { readonly schema?: string; readonly file?: string; readonly redisPrefix?: string; readonly natsStream?: string };
  /** The monolith baseline's one database, when the run is of the monolith (runLive's `architecture`). */
  readonly monolith?: MonolithDb;
  /** Closes connections and drops the run's schema, keys and stream. */
  close(): Promise<void>;
}

/** Thrown when an engine the run needs is not reachable: the CLI reports it as one line, exit 2. */
export class EngineUnavailable extends Error {
  readonly _tag = "EngineUnavailable";
}

/** Probes every engine `engine` needs (2 s each); throws EngineUnavailable naming the first one down. */
export async function probeLiveEngines(engine: LiveEngine, endpoints: LiveEndpoints): Promise<void> {
  const pgProbe = await probePostgres(pgConfig(endpoints.pgUrl));
  if (!pgProbe.ok) throw new EngineUnavailable(pgProbe.reason);
  if (engine !== "real") return;
  const r = await probeRedis(endpoints.redisUrl);
  if (!r.ok) throw new EngineUnavailable(r.reason);
  const n = await probeNats(endpoints.natsUrl);
  if (!n.ok) throw new EngineUnavailable(n.reason);
}

export function describeEndpoints(engine: LiveEngine, endpoints: LiveEndpoints): Record<string, string> {
  return {
    postgres: describeTarget(pgConfig(endpoints.pgUrl)),
    ...(engine === "real" ? { redis: describeRedis(redisUrl(endpoints.redisUrl)), nats: natsServers(endpoints.natsUrl) } : {}),
  };
}

let counter = 0;

/** A name no other live run on this server uses at the same time: pid, a counter, the start time. */
export function runId(): string {
  counter += 1;
  return `${process.pid}_${counter}_${Date.now().toString(36)}`; // live mode: real time (a unique name only)
}

const LIVE_PREFIX = "checkout-sim-live:";

/** `observePool` sees the PostgreSQL pool before any store uses it (a harness meter may wrap it). */
export async function openLiveStores(engine: LiveEngine, clock: Clock, endpoints: LiveEndpoints, observePool?: (pool: pg.Pool) => void): Promise<LiveStores> {
  const id = runId();
  const schema = `checkout_sim_live_${id}`;
  const pool = new pg.Pool(pgConfig(endpoints.pgUrl, 16));
  observePool?.(pool);
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  closers.push(() => pool.end());
  closers.push(() => pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  try {
    const opts = { pool, schema, clock };
    const inventory = await PostgresInventory.open(opts);
    const orders = await PostgresOrderLedger.open(opts);
    const payments = await PostgresPaymentLedger.open(opts);
    const commands = await PostgresCheckoutCommands.open(opts);
    const base = { catalog: new MemoryCatalog(), inventory, orders, payments, commands };
    if (engine === "postgres") {
      return { stores: { ...base, cart: new MemoryCart({ clock }), events: new MemoryEventStream({ clock }) }, engines: storeEngines(engine), namespace: { schema }, close };
    }
    const redis: Redis = connectRedis(endpoints.redisUrl);
    redis.on("error", () => undefined);
    const redisPrefix = `${LIVE_PREFIX}${id}:`;
    closers.push(() => redis.quit());
    closers.push(() => deleteKeys(redis, redisPrefix));
    const nc: NatsConnection = await connectNats(endpoints.natsUrl);
    closers.push(() => nc.close());
    const natsStream = `cslive_${id}`;
    const dedupe = await PostgresConsumerDedupe.open(opts);
    const events = await NatsEventStream.open({ connection: nc, stream: natsStream, dedupe, storage: "memory" });
    closers.push(() => events.jsm.streams.delete(natsStream));
    closers.push(() => events.close());
    const cart = new RedisCart({ redis, prefix: redisPrefix, clock });
    return { stores: { ...base, cart, events }, engines: storeEngines(engine), namespace: { schema, redisPrefix, natsStream }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Deletes every key under a live run's prefix (SCAN, never KEYS, so a shared server is not blocked). */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  if (!prefix.startsWith(LIVE_PREFIX)) throw new Error(`refusing to delete keys under ${prefix}`);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}
