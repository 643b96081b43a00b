// Carts on Redis: one hash per buyer holding a version and the cart document. Every write reads the
// cart, applies the shared cart rules (adapters/shared/cartRules.ts) and stores the result with a Lua
// compare-and-set on the version it read, retrying when another writer got in between, so
// last-write-wins never loses an interleaved addLine. Expiry follows the injected clock (expiresAt is
// stored and checked on read); the Redis TTL is only garbage collection, a generous margin later.
import type { Redis } from "ioredis";
import type { Clock } from "../../core/clock.ts";
import { systemClock } from "../../core/clock.ts";
import type { BuyerId } from "../../core/ids.ts";
import type { Cart } from "../../core/ports/cart.ts";
import { requireQuantity } from "../../core/validate.ts";
import { fromLineTuple, requireTtlMs, toLineTuple, type CartLineTuple } from "../shared/cartRules.ts";
import { CompareAndSetCart } from "../shared/compareAndSetCart.ts";
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

export class RedisCart extends CompareAndSetCart {
  readonly redis: Redis;
  readonly prefix: string;
  private readonly gcMarginMs: number;
  private readonly ownsClient: boolean;

  constructor(options: RedisCartOptions = {}) {
    super(options.clock ?? systemClock, requireTtlMs(options.ttlMs), CAS_ROUNDS_MAX);
    this.ownsClient = options.redis === undefined;
    this.redis = options.redis ?? connectRedis(options.url);
    this.prefix = options.prefix ?? "checkout-sim:";
    this.gcMarginMs = options.gcMarginMs === undefined ? 24 * 3_600_000 : requireQuantity(options.gcMarginMs, "gcMarginMs");
  }

  /** The key of a buyer's cart (buyer ids are binary-safe in Redis keys; the prefix keeps tenants apart). */
  key(buyerId: BuyerId): string {
    return `${this.prefix}cart:${buyerId}`;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.redis.quit();
  }

  protected async load(buyerId: BuyerId): Promise<Cart | undefined> {
    const [version, doc] = await this.redis.hmget(this.key(buyerId), "v", "doc");
    return version === null || version === undefined || doc === null || doc === undefined ? undefined : decode(buyerId, version, doc);
  }

  protected async storeIfNext(readVersion: number, cart: Cart): Promise<boolean> {
    const gcTtlMs = Math.max(1, cart.expiresAt - this.clock.now()) + this.gcMarginMs;
    return (await CAS.run(this.redis, [this.key(cart.buyerId)], [readVersion, cart.version, encode(cart), gcTtlMs])) === 1;
  }

  protected contended(buyerId: BuyerId, tries: number): Error {
    return new Error(`cart ${buyerId}: lost the compare-and-set ${tries} times in a row; too many concurrent writers on one cart`);
  }
}
