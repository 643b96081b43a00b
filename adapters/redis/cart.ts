// Carts on Redis: one hash per buyer holding a version and the cart document. Every write reads the
// cart, applies the shared cart rules (adapters/shared/cartRules.ts) and stores the result with a Lua
// compare-and-set on the version it read, retrying when another writer got in between, so
// last-write-wins never loses an interleaved addLine. Expiry follows the injected clock (expiresAt is
// stored and checked on read); the Redis TTL is only garbage collection, a generous margin later.
import type { Redis } from "ioredis";
import type { Clock } from "../../core/clock.ts";
import { systemClock } from "../../core/clock.ts";
import { InvalidInput } from "../../core/errors.ts";
import type { BuyerId, Sku } from "../../core/ids.ts";
import type { Cart, CartLine, CartStore } from "../../core/ports/cart.ts";
import { requireKey, requireNonNegativeInt, requireQuantity } from "../../core/validate.ts";
import { clearedCart, fromLineTuple, isLive, mergeLines, nextCart, requireCartLine, requireTtlMs, toLineTuple, visibleVersion, withQuantity, type CartLineTuple } from "../shared/cartRules.ts";
import { connectRedis } from "./connection.ts";
import { LuaScript } from "./script.ts";

export interface RedisCartOptions {
  /** An existing client (left open by close()); otherwise one is made from `url` or REDIS_URL. */
  readonly redis?: Redis;
  readonly url?: string;
  /** Prepended to every key; tests use a fresh one each and delete its keys. Default `checkout-sim:`. */
  readonly prefix?: string;
  /** Decides expiry; default the system clock (this adapter does real I/O, so it is not simulated). */
  readonly clock?: Clock;
  /** How long a cart lives after its last write; default 30 minutes. */
  readonly ttlMs?: number;
  /**
   * How long Redis keeps a cart after it expired (or was cleared) before deleting it; default 24 h.
   * Until then its version keeps the sequence, so a stale compare-and-set cannot win against a new cart.
   */
  readonly gcMarginMs?: number;
}

/** Compare-and-set rounds before a write gives up; each lost round means another writer succeeded. */
const CAS_ROUNDS_MAX = 50;

// Writes the new version only if the stored one is still the one the caller read (0 = no key).
const CAS = new LuaScript(`
local stored = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if stored ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'doc', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

/** The stored document: [updatedAt, expiresAt, lines as CartLineTuple (shared/cartRules.ts)]. */
type Doc = [number, number, CartLineTuple[]];

const encode = (c: Cart): string => JSON.stringify([c.updatedAt, c.expiresAt, c.lines.map(toLineTuple)] satisfies Doc);

function decode(buyerId: BuyerId, version: string, doc: string): Cart {
  const [updatedAt, expiresAt, lines] = JSON.parse(doc) as Doc;
  return Object.freeze({
    buyerId,
    version: Number(version),
    updatedAt,
    expiresAt,
    lines: Object.freeze(lines.map(fromLineTuple)),
  });
}

const EMPTY: readonly CartLine[] = Object.freeze([]);
const LOST = Symbol("lost the compare-and-set");

export class RedisCart implements CartStore {
  readonly redis: Redis;
  readonly prefix: string;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly gcMarginMs: number;
  private readonly ownsClient: boolean;

  constructor(options: RedisCartOptions = {}) {
    this.ownsClient = options.redis === undefined;
    this.redis = options.redis ?? connectRedis(options.url);
    this.prefix = options.prefix ?? "checkout-sim:";
    this.clock = options.clock ?? systemClock;
    this.ttlMs = requireTtlMs(options.ttlMs);
    this.gcMarginMs = options.gcMarginMs === undefined ? 24 * 3_600_000 : requireQuantity(options.gcMarginMs, "gcMarginMs");
  }

  /** The key of a buyer's cart (buyer ids are binary-safe in Redis keys; the prefix keeps tenants apart). */
  key(buyerId: BuyerId): string {
    return `${this.prefix}cart:${buyerId}`;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.redis.quit();
  }

  async get(buyerId: BuyerId): Promise<Cart | undefined> {
    requireKey(buyerId, "buyerId");
    const stored = await this.load(buyerId);
    return isLive(stored, this.clock.now()) ? stored : undefined;
  }

  async addLine(buyerId: BuyerId, line: CartLine): Promise<Cart> {
    requireKey(buyerId, "buyerId");
    const checked = requireCartLine(line);
    return this.update(buyerId, (stored, now) => mergeLines(isLive(stored, now) ? stored.lines : EMPTY, [checked])) as Promise<Cart>;
  }

  async setQuantity(buyerId: BuyerId, sku: Sku, quantity: number): Promise<Cart> {
    requireKey(buyerId, "buyerId");
    return this.update(buyerId, (stored, now) => withQuantity(isLive(stored, now) ? stored.lines : EMPTY, sku, quantity)) as Promise<Cart>;
  }

  async put(buyerId: BuyerId, lines: readonly CartLine[], expectedVersion?: number): Promise<Cart | undefined> {
    requireKey(buyerId, "buyerId");
    if (!Array.isArray(lines)) throw new InvalidInput({ field: "lines", message: "lines must be an array" });
    if (expectedVersion !== undefined) requireNonNegativeInt(expectedVersion, "expectedVersion");
    const merged = mergeLines(EMPTY, lines.map((l, i) => requireCartLine(l, `lines[${i}]`)));
    return this.update(buyerId, (stored, now) => (expectedVersion !== undefined && visibleVersion(stored, now) !== expectedVersion ? undefined : merged));
  }

  async clear(buyerId: BuyerId): Promise<void> {
    requireKey(buyerId, "buyerId");
    for (let round = 0; round < CAS_ROUNDS_MAX; round++) {
      const stored = await this.load(buyerId);
      if (stored === undefined) return;
      if ((await this.store(stored.version, clearedCart(stored, this.clock.now()))) !== LOST) return;
    }
    throw this.contended(buyerId);
  }

  /** Read, decide with the shared rules, compare-and-set; `decide` returning undefined writes nothing. */
  private async update(buyerId: BuyerId, decide: (stored: Cart | undefined, now: number) => readonly CartLine[] | undefined): Promise<Cart | undefined> {
    for (let round = 0; round < CAS_ROUNDS_MAX; round++) {
      const stored = await this.load(buyerId);
      const now = this.clock.now();
      const lines = decide(stored, now);
      if (lines === undefined) return undefined;
      const result = await this.store(stored?.version ?? 0, nextCart(buyerId, stored, lines, now, this.ttlMs));
      if (result !== LOST) return result;
    }
    throw this.contended(buyerId);
  }

  private async load(buyerId: BuyerId): Promise<Cart | undefined> {
    const [version, doc] = await this.redis.hmget(this.key(buyerId), "v", "doc");
    return version === null || version === undefined || doc === null || doc === undefined ? undefined : decode(buyerId, version, doc);
  }

  private async store(readVersion: number, cart: Cart): Promise<Cart | typeof LOST> {
    const gcTtlMs = Math.max(1, cart.expiresAt - this.clock.now()) + this.gcMarginMs;
    const won = await CAS.run(this.redis, [this.key(cart.buyerId)], [readVersion, cart.version, encode(cart), gcTtlMs]);
    return won === 1 ? cart : LOST;
  }

  private contended(buyerId: BuyerId): Error {
    return new Error(`cart ${buyerId}: lost the compare-and-set ${CAS_ROUNDS_MAX} times in a row; too many concurrent writers on one cart`);
  }
}
