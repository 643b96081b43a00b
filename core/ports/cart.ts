// Cart: ephemeral buyer intent. Keyed by buyer (or session), last-write-wins with a version, expires
// after a TTL on the injected clock. There is no query across carts.
import type { BuyerId, Sku } from "../ids.ts";
import type { Money } from "../money.ts";

export interface CartLine {
  readonly sku: Sku;
  readonly quantity: number;
  /** Catalog price and version when the line was added; checkout reprices against the catalog. */
  readonly priceSnapshot: Money;
  readonly priceVersion: number;
  /**
   * The product's tax rate (basis points) when the line was added: a snapshot, like the price, from
   * which the cart shows its tax lines (`priceCart` in core/pricing.ts). Checkout taxes at the
   * catalog's current rate. Absent: untaxed.
   */
  readonly taxRateBps?: number;
}

export interface Cart {
  readonly buyerId: BuyerId;
  /** +1 on every write. */
  readonly version: number;
  readonly lines: readonly CartLine[];
  readonly updatedAt: number;
  readonly expiresAt: number;
}

export interface CartStore {
  /** The buyer's cart, or undefined when there is none or it has expired. */
  get(buyerId: BuyerId): Promise<Cart | undefined>;
  /** Adds a line; a line with the same SKU is merged (quantities summed, snapshot refreshed). Refreshes the TTL. */
  addLine(buyerId: BuyerId, line: CartLine): Promise<Cart>;
  /** Sets a SKU's quantity; 0 removes the line. */
  setQuantity(buyerId: BuyerId, sku: Sku, quantity: number): Promise<Cart>;
  /**
   * Last-write-wins replace of the whole cart. With `expectedVersion`, the write is refused (returns
   * undefined) when the stored version differs, for clients that want compare-and-set.
   */
  put(buyerId: BuyerId, lines: readonly CartLine[], expectedVersion?: number): Promise<Cart | undefined>;
  clear(buyerId: BuyerId): Promise<void>;
}
