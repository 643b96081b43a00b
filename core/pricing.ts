// What an order costs: its lines, the tax on each line and one shipping line, in integer minor units.
// The rules live here once, so the checkout's pricing step, the monolith baseline and the checkers
// compute the same total from the same inputs.
//
// - Tax is per line: a line's amount (unit price x quantity) times its category's rate in basis points
//   (1 bp = 0.01 %, so 2000 bp = 20 %), rounded half up to a whole minor unit: tax = floor((amount x
//   rateBps + 5000) / 10000). A line without a rate (a product without a category, a catalog without
//   tax rates) pays no tax.
// - Shipping is one line per order, from the merchant's rule: a flat amount, free when the lines'
//   subtotal (before tax) reaches `freeFrom`. No rule: no shipping.
// - Total = subtotal + tax + shipping.
import { InvalidInput } from "./errors.ts";

export const BASIS_POINTS = 10_000;

/** The merchant's shipping rule (minor units of the order's currency). */
export interface ShippingRule {
  /** Shipping charged per order. */
  readonly flat: number;
  /** Lines' subtotal (before tax) from which shipping is free; absent: never free. */
  readonly freeFrom?: number;
}

/** A shipping rule is whole, non-negative minor units: checked where the rule is set, not when an order is priced. */
export function requireShippingRule(rule: ShippingRule): ShippingRule {
  for (const [field, v] of [["flat", rule.flat], ["freeFrom", rule.freeFrom]] as const)
    if (v !== undefined && (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0))
      throw new InvalidInput({ field: `shipping.${field}`, message: `shipping.${field} must be a non-negative integer number of minor units, got ${String(v)}` });
  return rule;
}

/** A tax rate is a whole number of basis points between 0 and 10000 (0 % to 100 %). */
export function requireTaxRate(rateBps: unknown, field = "rateBps"): number {
  if (typeof rateBps !== "number" || !Number.isSafeInteger(rateBps) || rateBps < 0 || rateBps > BASIS_POINTS)
    throw new InvalidInput({ field, message: `${field} must be an integer number of basis points in 0..${BASIS_POINTS}, got ${String(rateBps)}` });
  return rateBps;
}

/** The tax on a line of `amount` minor units at `rateBps`, rounded half up. */
export function lineTax(amount: number, rateBps: number | undefined): number {
  if (rateBps === undefined || rateBps === 0) return 0;
  const scaled = amount * rateBps;
  if (!Number.isSafeInteger(scaled)) throw new InvalidInput({ field: "amount", message: `line amount ${amount} at ${rateBps} bp is beyond exact integer arithmetic` });
  return Math.floor((scaled + BASIS_POINTS / 2) / BASIS_POINTS);
}

/** Shipping for an order whose lines come to `subtotal`. */
export function shippingFor(subtotal: number, rule: ShippingRule | undefined): number {
  if (rule === undefined) return 0;
  return rule.freeFrom !== undefined && subtotal >= rule.freeFrom ? 0 : rule.flat;
}

export interface PricedLine {
  readonly unitPrice: number;
  readonly quantity: number;
  readonly taxRateBps?: number | undefined;
}

export interface OrderAmounts {
  readonly subtotal: number;
  /** Tax per line, in the lines' order. */
  readonly lineTaxes: readonly number[];
  readonly tax: number;
  readonly shipping: number;
  readonly total: number;
}

/** Prices an order's lines: per-line tax, shipping by the rule, and the total. */
export function priceLines(lines: readonly PricedLine[], rule: ShippingRule | undefined): OrderAmounts {
  let subtotal = 0;
  let tax = 0;
  const lineTaxes: number[] = [];
  for (const l of lines) {
    const amount = l.unitPrice * l.quantity;
    const t = lineTax(amount, l.taxRateBps);
    subtotal += amount;
    tax += t;
    lineTaxes.push(t);
  }
  const shipping = shippingFor(subtotal, rule);
  return { subtotal, lineTaxes, tax, shipping, total: subtotal + tax + shipping };
}

/** A cart's tax lines, shipping line and total, from its snapshots (what the cart shows; checkout reprices). */
export function priceCart(lines: readonly { readonly priceSnapshot: { readonly amount: number }; readonly quantity: number; readonly taxRateBps?: number }[], rule: ShippingRule | undefined): OrderAmounts {
  return priceLines(
    lines.map((l) => ({ unitPrice: l.priceSnapshot.amount, quantity: l.quantity, taxRateBps: l.taxRateBps })),
    rule,
  );
}
