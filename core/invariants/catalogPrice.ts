// Order totals equal checkout-time catalog prices, tax and shipping: each line's price version was the
// catalog's current one at some moment between the buyer's submission and the order's creation (same
// virtual millisecond counts: steps within one ms are not ordered by time), its unit price is that
// version's price; its tax is the line amount at its rate, rounded half up (core/pricing.ts), and that
// rate was its category's during the same window; the shipping line follows the merchant's rule; and
// the total is lines + tax + shipping. Without `world.pricing` (worlds built before tax), rates and
// shipping are not judged against the catalog, only each order's arithmetic.
import { lineTax, shippingFor } from "../pricing.ts";
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { OrderFacts } from "./orders.ts";
import { clientCheckoutId, type PricingFacts, type World } from "./world.ts";

export function catalogPrice(world: World, orders: readonly OrderFacts[]): Verdict {
  const versions = new Map<string, { version: number; amount: number; at: number }[]>();
  for (const c of world.priceChanges) versions.set(c.sku, [...(versions.get(c.sku) ?? []), { version: c.version, amount: c.price.amount, at: c.at }]);
  const submittedAt = new Map<string, number>();
  for (const s of world.submissions) if (!submittedAt.has(s.checkoutId) || s.at < submittedAt.get(s.checkoutId)!) submittedAt.set(s.checkoutId, s.at);
  const pricing = world.pricing;

  const violations: Violation[] = [];
  for (const o of orders) {
    const from = submittedAt.get(clientCheckoutId(o.checkoutId)) ?? o.createdAt;
    const wrongOrder = (message: string, sku?: string) => violations.push({ invariant: "catalog-price", message: `order ${o.orderId}${sku ? `, ${sku}` : ""}: ${message}`, entities: { order: o.orderId, ...(sku ? { sku } : {}) } });
    let subtotal = 0;
    let tax = 0;
    for (const line of o.lines) {
      const amount = line.unitPrice * line.quantity;
      subtotal += amount;
      tax += line.tax;
      const history = (versions.get(line.sku) ?? []).slice().sort((a, b) => a.version - b.version);
      const i = history.findIndex((v) => v.version === line.priceVersion);
      if (i >= 0) {
        const v = history[i]!;
        const supersededAt = history[i + 1]?.at ?? Infinity;
        const wrong = v.amount !== line.unitPrice ? `unit price ${line.unitPrice} is not version ${v.version}'s ${v.amount}` : supersededAt < from ? `price version ${v.version} was superseded at ${supersededAt} ms, before the checkout began at ${from} ms` : null;
        if (wrong) wrongOrder(wrong, line.sku);
      } // else a product the run did not track
      const expectedTax = lineTax(amount, line.taxRateBps);
      if (line.tax !== expectedTax) wrongOrder(`tax ${line.tax} is not ${amount} at ${line.taxRateBps ?? 0} bp (${expectedTax}, rounded half up)`, line.sku);
      if (pricing !== undefined) {
        const rates = ratesInForce(pricing, line.sku, from, o.createdAt);
        if (!rates.includes(line.taxRateBps ?? 0)) wrongOrder(`taxed at ${line.taxRateBps ?? 0} bp, but its category ${pricing.categories[line.sku] ?? "(none)"} was at ${rates.join(" or ")} bp during the checkout`, line.sku);
      }
    }
    if (pricing !== undefined) {
      const expectedShipping = shippingFor(subtotal, pricing.shipping);
      if (o.shipping !== expectedShipping) wrongOrder(`shipping ${o.shipping} is not the rule's ${expectedShipping} for lines of ${subtotal}`);
    }
    const sum = subtotal + tax + o.shipping;
    if (sum !== o.total) wrongOrder(`total ${o.total} != lines ${subtotal} + tax ${tax} + shipping ${o.shipping} = ${sum}`);
  }
  return verdictOf("catalog-price", violations);
}

/** The rates a SKU's category had at some moment of [from, to] (0 for an untaxed SKU). */
function ratesInForce(pricing: PricingFacts, sku: string, from: number, to: number): number[] {
  const category = pricing.categories[sku];
  const history = category === undefined ? [] : pricing.taxRates.filter((r) => r.category === category).slice().sort((a, b) => a.at - b.at);
  const rates = history.filter((r, i) => r.at <= to && (history[i + 1]?.at ?? Infinity) >= from).map((r) => r.rateBps);
  return rates.length > 0 ? rates : [0];
}
