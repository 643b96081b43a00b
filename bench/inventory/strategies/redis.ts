// Reservation strategies on Redis through ioredis, one client per buyer. Redis runs one command (or
// one Lua script) at a time, so there are no row locks to take: the safe reservation is a Lua script
// that checks and decrements in one step (conditional), or a version compare-and-set in Lua after a
// plain read (optimistic). Pessimistic locking, buckets and batching have no Redis counterpart here
// (see REDIS_STRATEGIES). Each cell gets a fresh key prefix, deleted on close.
import type { Redis } from "ioredis";
import { connectRedis } from "../../../adapters/redis/connection.ts";
import { LuaScript } from "../../../adapters/redis/script.ts";
import type { CellSetup, ContentionStore, Counters, ReserveOutcome, SkuSnapshot, StrategyName } from "../model.ts";
import { zeroCounters } from "../model.ts";

/** The strategies this engine implements; the others are skipped with one line. */
export const REDIS_STRATEGIES: readonly StrategyName[] = ["conditional", "optimistic", "broken"];

/**
 * The conditional reservation: free = on_hand - reserved; take the units and record the reservation
 * only if enough are free, all inside one script, so no other command runs in between.
 * KEYS: stock hash, reservations hash. ARGV: reservation id, quantity, expected version (or "" for any).
 */
export const RESERVE_SCRIPT = new LuaScript(`
local on = tonumber(redis.call('HGET', KEYS[1], 'on_hand') or '0')
local taken = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0')
local q = tonumber(ARGV[2])
if ARGV[3] ~= '' and tonumber(redis.call('HGET', KEYS[1], 'version') or '0') ~= tonumber(ARGV[3]) then return -1 end
if on - taken < q then return 0 end
redis.call('HINCRBY', KEYS[1], 'reserved', q)
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[2], ARGV[1], q)
return 1
`);

/** Returns a reservation's units once: KEYS: stock hash, reservations hash. ARGV: reservation id. */
const RELEASE_SCRIPT = new LuaScript(`
local q = redis.call('HGET', KEYS[2], ARGV[1])
if not q then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'reserved', -tonumber(q))
redis.call('HINCRBY', KEYS[1], 'version', 1)
return 1
`);

let prefixCounter = 0;

/** A fresh prefix per cell or baseline (pid + counter: parallel runs never share keys). */
export function benchPrefix(kind: string): string {
  prefixCounter += 1;
  return `checkout-sim-bench:${kind}:${process.pid}:${prefixCounter}:`;
}

export const stockKey = (prefix: string, sku: string) => `${prefix}stock:${sku}`;
export const reservationsKey = (prefix: string, sku: string) => `${prefix}res:${sku}`;
const movementsKey = (prefix: string, sku: string) => `${prefix}mov:${sku}`;

/** Loads every SKU with one receipt movement: on_hand, reserved 0, version 0. */
export async function loadRedisStock(redis: Redis, prefix: string, setup: CellSetup): Promise<void> {
  const m = redis.multi();
  for (const sku of setup.skus) {
    m.hset(stockKey(prefix, sku), "on_hand", setup.stockPerSku, "reserved", 0, "version", 0);
    m.rpush(movementsKey(prefix, sku), setup.stockPerSku);
  }
  await m.exec();
}

/** Deletes a bench prefix's keys (SCAN, never KEYS). */
export async function deleteBenchPrefix(redis: Redis, prefix: string): Promise<void> {
  if (!prefix.startsWith("checkout-sim-bench:")) throw new Error(`refusing to delete keys under ${prefix}`);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}

export class RedisContentionStore implements ContentionStore {
  readonly engine = "redis" as const;
  readonly counters: Counters = zeroCounters();
  readonly reserve: (sku: string, quantity: number) => Promise<ReserveOutcome>;
  private nextId = 1;
  private nextClient = 0;

  private constructor(readonly strategy: StrategyName, private readonly setup: CellSetup, private readonly clients: readonly Redis[], readonly prefix: string) {
    const strategies: Partial<Record<StrategyName, (sku: string, q: number) => Promise<ReserveOutcome>>> = {
      conditional: (sku, q) => this.conditional(sku, q),
      optimistic: (sku, q) => this.optimistic(sku, q),
      broken: (sku, q) => this.broken(sku, q),
    };
    const chosen = strategies[strategy];
    if (chosen === undefined) throw new Error(`strategy ${strategy} is not implemented on redis (it has: ${REDIS_STRATEGIES.join(", ")})`);
    this.reserve = chosen;
  }

  /** `connections` clients and a fresh prefix loaded with the cell's stock. */
  static async open(strategy: StrategyName, setup: CellSetup, url?: string): Promise<RedisContentionStore> {
    const clients = Array.from({ length: Math.max(1, setup.connections) }, () => connectRedis(url));
    const prefix = benchPrefix("inventory");
    try {
      // Connect every client and load the script so neither is measured as contention.
      await Promise.all(clients.map((c) => c.ping()));
      await (clients[0] as Redis).script("LOAD", RESERVE_SCRIPT.source);
      await loadRedisStock(clients[0] as Redis, prefix, setup);
    } catch (err) {
      clients.forEach((c) => c.disconnect());
      throw err;
    }
    return new RedisContentionStore(strategy, setup, clients, prefix);
  }

  /** Round-robin: each request goes out on the next buyer's connection. */
  private client(): Redis {
    const c = this.clients[this.nextClient % this.clients.length] as Redis;
    this.nextClient += 1;
    return c;
  }

  private async conditional(sku: string, qty: number): Promise<ReserveOutcome> {
    const id = this.nextId++;
    const r = await RESERVE_SCRIPT.run(this.client(), [stockKey(this.prefix, sku), reservationsKey(this.prefix, sku)], [id, qty, ""]);
    return r === 1 ? { ok: true, id } : { ok: false, reason: "sold-out" };
  }

  /** Read the version with a plain command, then compare-and-set it in the script; retry when it moved. */
  private async optimistic(sku: string, qty: number): Promise<ReserveOutcome> {
    for (let attempt = 0; attempt <= this.setup.retriesMax; attempt++) {
      if (attempt > 0) this.counters.retries += 1;
      const client = this.client();
      const [onHand, taken, version] = await client.hmget(stockKey(this.prefix, sku), "on_hand", "reserved", "version");
      if (Number(onHand ?? 0) - Number(taken ?? 0) < qty) return { ok: false, reason: "sold-out" };
      const id = this.nextId++;
      const r = await RESERVE_SCRIPT.run(client, [stockKey(this.prefix, sku), reservationsKey(this.prefix, sku)], [id, qty, version ?? "0"]);
      if (r === 1) return { ok: true, id };
      if (r === 0) return { ok: false, reason: "sold-out" };
    }
    this.counters.aborts += 1;
    return { ok: false, reason: "aborted" };
  }

  /** Deliberately wrong: reads, then writes an absolute value back (lost update across connections). */
  private async broken(sku: string, qty: number): Promise<ReserveOutcome> {
    const [onHand, taken] = await this.client().hmget(stockKey(this.prefix, sku), "on_hand", "reserved");
    const reserved = Number(taken ?? 0);
    if (Number(onHand ?? 0) - reserved < qty) return { ok: false, reason: "sold-out" };
    const id = this.nextId++;
    const writer = this.client();
    await writer.hset(stockKey(this.prefix, sku), "reserved", reserved + qty);
    await writer.hset(reservationsKey(this.prefix, sku), String(id), qty);
    return { ok: true, id };
  }

  async release(id: number): Promise<boolean> {
    // The id does not name its SKU; try each (a bench has a handful of hot SKUs).
    for (const sku of this.setup.skus) {
      const r = await RELEASE_SCRIPT.run(this.client(), [stockKey(this.prefix, sku), reservationsKey(this.prefix, sku)], [id]);
      if (r === 1) return true;
    }
    return false;
  }

  async snapshot(): Promise<SkuSnapshot[]> {
    const c = this.clients[0] as Redis;
    const out: SkuSnapshot[] = [];
    for (const sku of [...this.setup.skus].sort()) {
      const [onHand, taken] = await c.hmget(stockKey(this.prefix, sku), "on_hand", "reserved");
      const held = (await c.hvals(reservationsKey(this.prefix, sku))).reduce((sum, q) => sum + Number(q), 0);
      const moved = (await c.lrange(movementsKey(this.prefix, sku), 0, -1)).reduce((sum, d) => sum + Number(d), 0);
      const on = Number(onHand ?? 0);
      out.push({ sku, onHand: on, movementsTotal: moved, counterUnits: Number(taken ?? 0), activeUnits: held, bucketsOverdrawn: Math.max(0, held - on) });
    }
    return out;
  }

  async close(): Promise<void> {
    try {
      await deleteBenchPrefix(this.clients[0] as Redis, this.prefix);
    } finally {
      await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
    }
  }
}
