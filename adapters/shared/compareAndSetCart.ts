// A cart store over an engine that offers a single-key compare-and-set and no transaction held
// across a read (Redis, the monolith's row with a version check): read, decide with the shared cart
// rules, write only if the stored version is still the one read, again on a lost race. An engine
// supplies `load` and `storeIfNext`; the port's methods and their checks are here once.
import type { Clock } from "../../core/clock.ts";
import { InvalidInput } from "../../core/errors.ts";
import type { BuyerId, Sku } from "../../core/ids.ts";
import type { Cart, CartLine, CartStore } from "../../core/ports/cart.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { clearedCart, isLive, mergeLines, nextCart, requireCartLine, visibleVersion, withQuantity } from "./cartRules.ts";

const EMPTY: readonly CartLine[] = Object.freeze([]);

export abstract class CompareAndSetCart implements CartStore {
  protected constructor(
    protected readonly clock: Clock,
    protected readonly ttlMs: number,
    /** Compare-and-set attempts per write before it gives up (racing writers to one cart are rare). */
    private readonly triesMax: number,
  ) {}

  /** The stored cart, live or not (undefined: never written). */
  protected abstract load(buyerId: BuyerId): Promise<Cart | undefined>;
  /** Writes `cart` if the stored version is still `readVersion` (0: none stored); false when another writer won. */
  protected abstract storeIfNext(readVersion: number, cart: Cart): Promise<boolean>;
  /** The error of a write that lost every race. */
  protected abstract contended(buyerId: BuyerId, tries: number): Error;

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
    for (let i = 0; i < this.triesMax; i++) {
      const stored = await this.load(buyerId);
      if (stored === undefined || (await this.storeIfNext(stored.version, clearedCart(stored, this.clock.now())))) return;
    }
    throw this.contended(buyerId, this.triesMax);
  }

  /** Read, decide with the shared rules, compare-and-set; `decide` returning undefined writes nothing. */
  private async update(buyerId: BuyerId, decide: (stored: Cart | undefined, now: number) => readonly CartLine[] | undefined): Promise<Cart | undefined> {
    for (let i = 0; i < this.triesMax; i++) {
      const stored = await this.load(buyerId);
      const now = this.clock.now();
      const lines = decide(stored, now);
      if (lines === undefined) return undefined;
      const cart = nextCart(buyerId, stored, lines, now, this.ttlMs);
      if (await this.storeIfNext(stored?.version ?? 0, cart)) return cart;
    }
    throw this.contended(buyerId, this.triesMax);
  }
}
