// The monolith's cart: a row per buyer in the same database as orders and stock, so every add,
// remove and quantity change of every cart, abandoned or not, is a durable write (the article's
// second failure mode). Read, apply the shared cart rules, write with a compare-and-set on the
// version, retry on a lost race: no transaction held across the read.
import type { Clock } from "../../core/clock.ts";
import type { BuyerId } from "../../core/ids.ts";
import type { Cart } from "../../core/ports/cart.ts";
import { requireTtlMs } from "../shared/cartRules.ts";
import { CompareAndSetCart } from "../shared/compareAndSetCart.ts";
import { cartLinesJson, cartOf, type CartRow } from "../shared/rows.ts";
import { migrateMonolith } from "./monolithDb.ts";
import type { MonolithSql } from "./sql.ts";

/** Compare-and-set attempts per write before it gives up (racing writers to one cart are rare). */
const CAS_TRIES_MAX = 16;

export class MonolithCart extends CompareAndSetCart {
  private constructor(private readonly sql: MonolithSql, clock: Clock, ttlMs?: number) {
    super(clock, requireTtlMs(ttlMs), CAS_TRIES_MAX);
  }

  static async open(sql: MonolithSql, options: { clock: Clock; ttlMs?: number }): Promise<MonolithCart> {
    await migrateMonolith(sql);
    return new MonolithCart(sql, options.clock, options.ttlMs);
  }

  protected async load(buyerId: BuyerId): Promise<Cart | undefined> {
    const [row] = await this.sql.all<CartRow>("SELECT buyer_id, version, updated_at, expires_at, lines FROM mono_carts WHERE buyer_id = ?", [buyerId]);
    return row === undefined ? undefined : cartOf(row);
  }

  /** Versions are gapless under racing writers: the row is written only over the version before this one. */
  protected async storeIfNext(_readVersion: number, cart: Cart): Promise<boolean> {
    const changed = await this.sql.run(
      `INSERT INTO mono_carts (buyer_id, version, updated_at, expires_at, lines) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (buyer_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at,
         expires_at = excluded.expires_at, lines = excluded.lines
       WHERE mono_carts.version = excluded.version - 1`,
      [cart.buyerId, cart.version, cart.updatedAt, cart.expiresAt, cartLinesJson(cart.lines)],
    );
    return changed === 1;
  }

  protected contended(buyerId: BuyerId, tries: number): Error {
    return new Error(`cart ${buyerId}: a write lost ${tries} races in a row`);
  }
}
