// The monolith's cart: a row per buyer in the same database as orders and stock, so every add,
// remove and quantity change of every cart, abandoned or not, is a durable write (the article's
// second failure mode). Read, apply the shared cart rules, write with a compare-and-set on the
// version, retry on a lost race: no transaction held across the read.
import type { Clock } from "../../core/clock.ts";
import { InvalidInput } from "../../core/errors.ts";
import type { BuyerId, Sku } from "../../core/ids.ts";
import type { Cart, CartLine, CartStore } from "../../core/ports/cart.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { clearedCart, isLive, mergeLines, nextCart, requireCartLine, requireTtlMs, visibleVersion, withQuantity } from "../shared/cartRules.ts";
import { cartLinesJson, cartOf, type CartRow } from "../shared/rows.ts";
import { migrateMonolith } from "./monolithDb.ts";
import type { MonolithSql } from "./sql.ts";

/** Compare-and-set attempts per write before it gives up (racing writers to one cart are rare). */
const CAS_TRIES_MAX = 16;
const EMPTY: readonly CartLine[] = Object.freeze([]);

export class MonolithCart implements CartStore {
  private readonly ttlMs: number;

  private constructor(private readonly sql: MonolithSql, private readonly clock: Clock, ttlMs?: number) {
    this.ttlMs = requireTtlMs(ttlMs);
  }

  static async open(sql: MonolithSql, options: { clock: Clock; ttlMs?: number }): Promise<MonolithCart> {
    await migrateMonolith(sql);
    return new MonolithCart(sql, options.clock, options.ttlMs);
  }

  async get(buyerId: BuyerId): Promise<Cart | undefined> {
    requireKey(buyerId, "buyerId");
    const stored = await this.load(buyerId);
    return isLive(stored, this.clock.now()) ? stored : undefined;
  }

  async addLine(buyerId: BuyerId, line: CartLine): Promise<Cart> {
    requireKey(buyerId, "buyerId");
    const checked = requireCartLine(line);
    return (await this.update(buyerId, (stored, now) => mergeLines(isLive(stored, now) ? stored.lines : EMPTY, [checked]))) as Cart;
  }

  async setQuantity(buyerId: BuyerId, sku: Sku, quantity: number): Promise<Cart> {
    requireKey(buyerId, "buyerId");
    return (await this.update(buyerId, (stored, now) => withQuantity(isLive(stored, now) ? stored.lines : EMPTY, sku, quantity))) as Cart;
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
    for (let i = 0; i < CAS_TRIES_MAX; i++) {
      const stored = await this.load(buyerId);
      if (stored === undefined || (await this.store(clearedCart(stored, this.clock.now())))) return;
    }
    throw new Error(`cart ${buyerId}: clear lost ${CAS_TRIES_MAX} races in a row`);
  }

  /** Read, compute the next lines (undefined: write nothing), compare-and-set; again on a lost race. */
  private async update(buyerId: BuyerId, next: (stored: Cart | undefined, now: number) => readonly CartLine[] | undefined): Promise<Cart | undefined> {
    for (let i = 0; i < CAS_TRIES_MAX; i++) {
      const stored = await this.load(buyerId);
      const now = this.clock.now();
      const lines = next(stored, now);
      if (lines === undefined) return undefined;
      const cart = nextCart(buyerId, stored, lines, now, this.ttlMs);
      if (await this.store(cart)) return cart;
    }
    throw new Error(`cart ${buyerId}: a write lost ${CAS_TRIES_MAX} races in a row`);
  }

  private async load(buyerId: BuyerId): Promise<Cart | undefined> {
    const [row] = await this.sql.all<CartRow>("SELECT buyer_id, version, updated_at, expires_at, lines FROM mono_carts WHERE buyer_id = ?", [buyerId]);
    return row === undefined ? undefined : cartOf(row);
  }

  /** True when this write followed the stored version (versions stay gapless under racing writers). */
  private async store(cart: Cart): Promise<boolean> {
    const changed = await this.sql.run(
      `INSERT INTO mono_carts (buyer_id, version, updated_at, expires_at, lines) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (buyer_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at,
         expires_at = excluded.expires_at, lines = excluded.lines
       WHERE mono_carts.version = excluded.version - 1`,
      [cart.buyerId, cart.version, cart.updatedAt, cart.expiresAt, cartLinesJson(cart.lines)],
    );
    return changed === 1;
  }
}
