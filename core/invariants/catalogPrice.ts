// Order totals equal checkout-time catalog prices: each line's price version was the catalog's
// current one at some moment between the buyer's submission and the order's creation (same virtual
// millisecond counts: steps within one ms are not ordered by time), its unit
// price is that version's price, and the total is the sum of the lines.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { OrderFacts } from "./orders.ts";
import { clientCheckoutId, type World } from "./world.ts";

export function catalogPrice(world: World, orders: readonly OrderFacts[]): Verdict {
  const versions = new Map<string, { version: number; amount: number; at: number }[]>();
  for (const c of world.priceChanges) versions.set(c.sku, [...(versions.get(c.sku) ?? []), { version: c.version, amount: c.price.amount, at: c.at }]);
  const submittedAt = new Map<string, number>();
  for (const s of world.submissions) if (!submittedAt.has(s.checkoutId) || s.at < submittedAt.get(s.checkoutId)!) submittedAt.set(s.checkoutId, s.at);

  const violations: Violation[] = [];
  for (const o of orders) {
    const from = submittedAt.get(clientCheckoutId(o.checkoutId)) ?? o.createdAt;
    let sum = 0;
    for (const line of o.lines) {
      sum += line.unitPrice * line.quantity;
      const history = (versions.get(line.sku) ?? []).slice().sort((a, b) => a.version - b.version);
      const i = history.findIndex((v) => v.version === line.priceVersion);
      if (i < 0) continue; // a product the run did not track
      const v = history[i]!;
      const supersededAt = history[i + 1]?.at ?? Infinity;
      const wrong = v.amount !== line.unitPrice ? `unit price ${line.unitPrice} is not version ${v.version}'s ${v.amount}` : supersededAt < from ? `price version ${v.version} was superseded at ${supersededAt} ms, before the checkout began at ${from} ms` : null;
      if (wrong) violations.push({ invariant: "catalog-price", message: `order ${o.orderId}, ${line.sku}: ${wrong}`, entities: { order: o.orderId, sku: line.sku } });
    }
    if (sum !== o.total) violations.push({ invariant: "catalog-price", message: `order ${o.orderId}: total ${o.total} != sum of lines ${sum}`, entities: { order: o.orderId } });
  }
  return verdictOf("catalog-price", violations);
}
