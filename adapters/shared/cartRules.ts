// Cart rules shared by every cart engine: line checks, same-SKU merge, one currency per cart, and how
// a write builds the next version. Engines only load and store; the rules live here once.
import { InvalidInput, NotFound } from "../../core/errors.ts";
import type { BuyerId, Sku } from "../../core/ids.ts";
import type { Cart, CartLine } from "../../core/ports/cart.ts";
import { requireKey, requireNonNegativeInt, requireQuantity } from "../../core/validate.ts";
import { requirePrice } from "./productInput.ts";
import type { Currency } from "../../core/money.ts";
import { requireTaxRate } from "../../core/pricing.ts";

export const CART_TTL_MS_DEFAULT = 30 * 60_000;
/** A cart with more distinct SKUs than this is refused (bounds every per-cart loop). */
export const CART_LINES_MAX = 100;

export function requireTtlMs(ttlMs: number | undefined): number {
  if (ttlMs === undefined) return CART_TTL_MS_DEFAULT;
  return requireQuantity(ttlMs, "ttlMs");
}

export function requireCartLine(line: CartLine, field = "line"): CartLine {
  if (typeof line !== "object" || line === null) throw new InvalidInput({ field, message: `${field} must be an object` });
  return Object.freeze({
    sku: requireKey(line.sku, `${field}.sku`) as Sku,
    quantity: requireQuantity(line.quantity, `${field}.quantity`),
    priceSnapshot: requirePrice(line.priceSnapshot, `${field}.priceSnapshot`),
    priceVersion: requireQuantity(line.priceVersion, `${field}.priceVersion`),
    ...(line.taxRateBps === undefined ? {} : { taxRateBps: requireTaxRate(line.taxRateBps, `${field}.taxRateBps`) }),
  });
}

/** One line as engines store it, compact: [sku, quantity, price amount, currency, price version, tax rate in bp (absent: untaxed)]. */
export type CartLineTuple = [string, number, number, string, number] | [string, number, number, string, number, number];

export const toLineTuple = (l: CartLine): CartLineTuple =>
  l.taxRateBps === undefined ? [l.sku, l.quantity, l.priceSnapshot.amount, l.priceSnapshot.currency, l.priceVersion] : [l.sku, l.quantity, l.priceSnapshot.amount, l.priceSnapshot.currency, l.priceVersion, l.taxRateBps];

export const fromLineTuple = ([sku, quantity, amount, currency, priceVersion, taxRateBps]: CartLineTuple): CartLine =>
  Object.freeze({ sku: sku as Sku, quantity, priceSnapshot: Object.freeze({ amount, currency: currency as Currency }), priceVersion, ...(taxRateBps === undefined ? {} : { taxRateBps }) });

/** A stored cart is live until its expiry; expired and cleared carts read as absent. */
export const isLive = (stored: Cart | undefined, now: number): stored is Cart => stored !== undefined && now < stored.expiresAt;

/** The version a compare-and-set compares against: 0 when the buyer has no live cart. */
export const visibleVersion = (stored: Cart | undefined, now: number): number => (isLive(stored, now) ? stored.version : 0);

/**
 * Adds `added` to `base`: a line whose SKU is already there is merged (quantities summed, price
 * snapshot refreshed), a new SKU is appended. All lines must share one currency.
 */
export function mergeLines(base: readonly CartLine[], added: readonly CartLine[]): readonly CartLine[] {
  const out = base.slice();
  for (const line of added) {
    const first = out[0];
    if (first !== undefined && first.priceSnapshot.currency !== line.priceSnapshot.currency)
      throw new InvalidInput({ field: "currency", message: `a cart holds one currency: ${line.priceSnapshot.currency} line for a ${first.priceSnapshot.currency} cart` });
    const i = out.findIndex((l) => l.sku === line.sku);
    const existing = i >= 0 ? out[i] : undefined;
    if (existing === undefined) {
      if (out.length >= CART_LINES_MAX) throw new InvalidInput({ field: "lines", message: `a cart holds at most ${CART_LINES_MAX} lines` });
      out.push(line);
    } else {
      out[i] = Object.freeze({ ...line, quantity: requireQuantity(existing.quantity + line.quantity, "quantity") });
    }
  }
  return Object.freeze(out);
}

/** Sets a SKU's quantity; 0 removes it (a no-op when absent); a positive quantity for an absent SKU is NotFound. */
export function withQuantity(base: readonly CartLine[], sku: Sku, quantity: number): readonly CartLine[] {
  requireKey(sku, "sku");
  requireNonNegativeInt(quantity, "quantity");
  const i = base.findIndex((l) => l.sku === sku);
  const existing = i >= 0 ? base[i] : undefined;
  if (quantity === 0) return existing === undefined ? base : Object.freeze(base.filter((l) => l.sku !== sku));
  if (existing === undefined) throw new NotFound({ entity: "cart line", id: sku, message: `no line for SKU ${sku} in the cart; add it with addLine` });
  const out = base.slice();
  out[i] = Object.freeze({ ...existing, quantity });
  return Object.freeze(out);
}

/**
 * The next stored cart: version one above whatever was stored (even an expired or cleared cart), so
 * a compare-and-set holding a version from an earlier cart can never succeed against a fresh one.
 */
export function nextCart(buyerId: BuyerId, stored: Cart | undefined, lines: readonly CartLine[], now: number, ttlMs: number): Cart {
  return Object.freeze({ buyerId, version: (stored?.version ?? 0) + 1, lines, updatedAt: now, expiresAt: now + ttlMs });
}

/** What `clear` stores: an empty cart that is already expired, keeping the version sequence. */
export function clearedCart(stored: Cart, now: number): Cart {
  return Object.freeze({ buyerId: stored.buyerId, version: stored.version + 1, lines: Object.freeze([]), updatedAt: now, expiresAt: now });
}
