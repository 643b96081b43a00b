// Carts in memory, the simulation default: one frozen Cart per buyer in a Map, replaced on every
// write, so a reader holding an old cart never sees it change. Expired and cleared carts stay as
// tombstones that keep the version sequence (see cartRules.nextCart).
import type { Clock } from "../../core/clock.ts";
import type { BuyerId, Sku } from "../../core/ids.ts";
import type { Cart, CartLine, CartStore } from "../../core/ports/cart.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { InvalidInput } from "../../core/errors.ts";
import { clearedCart, isLive, mergeLines, nextCart, requireCartLine, requireTtlMs, visibleVersion, withQuantity } from "../shared/cartRules.ts";

export interface MemoryCartOptions {
  readonly clock: Clock;
  /** How long a cart lives after its last write; default 30 minutes. */
  readonly ttlMs?: number;
}

const EMPTY: readonly CartLine[] = Object.freeze([]);

export class MemoryCart implements CartStore {
  private readonly carts = new Map<string, Cart>();
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(options: MemoryCartOptions) {
    this.clock = options.clock;
    this.ttlMs = requireTtlMs(options.ttlMs);
  }

  async get(buyerId: BuyerId): Promise<Cart | undefined> {
    requireKey(buyerId, "buyerId");
    const stored = this.carts.get(buyerId);
    return isLive(stored, this.clock.now()) ? stored : undefined;
  }

  async addLine(buyerId: BuyerId, line: CartLine): Promise<Cart> {
    requireKey(buyerId, "buyerId");
    const checked = requireCartLine(line);
    const now = this.clock.now();
    const stored = this.carts.get(buyerId);
    const lines = mergeLines(isLive(stored, now) ? stored.lines : EMPTY, [checked]);
    return this.write(buyerId, stored, lines, now);
  }

  async setQuantity(buyerId: BuyerId, sku: Sku, quantity: number): Promise<Cart> {
    requireKey(buyerId, "buyerId");
    const now = this.clock.now();
    const stored = this.carts.get(buyerId);
    const lines = withQuantity(isLive(stored, now) ? stored.lines : EMPTY, sku, quantity);
    return this.write(buyerId, stored, lines, now);
  }

  async put(buyerId: BuyerId, lines: readonly CartLine[], expectedVersion?: number): Promise<Cart | undefined> {
    requireKey(buyerId, "buyerId");
    if (!Array.isArray(lines)) throw new InvalidInput({ field: "lines", message: "lines must be an array" });
    if (expectedVersion !== undefined) requireNonNegativeInt(expectedVersion, "expectedVersion");
    const merged = mergeLines(EMPTY, lines.map((l, i) => requireCartLine(l, `lines[${i}]`)));
    const now = this.clock.now();
    const stored = this.carts.get(buyerId);
    if (expectedVersion !== undefined && visibleVersion(stored, now) !== expectedVersion) return undefined;
    return this.write(buyerId, stored, merged, now);
  }

  async clear(buyerId: BuyerId): Promise<void> {
    requireKey(buyerId, "buyerId");
    const stored = this.carts.get(buyerId);
    if (stored !== undefined) this.carts.set(buyerId, clearedCart(stored, this.clock.now()));
  }

  private write(buyerId: BuyerId, stored: Cart | undefined, lines: readonly CartLine[], now: number): Cart {
    const cart = nextCart(buyerId, stored, lines, now, this.ttlMs);
    this.carts.set(buyerId, cart);
    return cart;
  }
}
