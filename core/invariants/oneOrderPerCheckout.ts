// One order per checkout submission: double clicks and retries of the same client checkout id must
// land on the same order.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { OrderFacts } from "./orders.ts";
import { clientCheckoutId } from "./world.ts";

export function oneOrderPerCheckout(orders: readonly OrderFacts[]): Verdict {
  const byClient = new Map<string, string[]>();
  for (const o of orders) {
    const id = clientCheckoutId(o.checkoutId);
    byClient.set(id, [...(byClient.get(id) ?? []), o.orderId]);
  }
  const violations: Violation[] = [];
  for (const [checkout, ids] of [...byClient].sort()) {
    if (ids.length > 1) violations.push({ invariant: "one-order-per-checkout", message: `checkout ${checkout} produced ${ids.length} orders (${ids.join(", ")})`, entities: { checkout, orders: ids.join(",") } });
  }
  return verdictOf("one-order-per-checkout", violations);
}
