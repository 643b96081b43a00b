// Paid orders have stock or an explicit compensation: a sold order holds a committed reservation,
// or says Backordered. A paid order with neither is a promise the warehouse cannot keep.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { OrderFacts } from "./orders.ts";
import type { World } from "./world.ts";

export function paidOrdersHaveStock(world: World, orders: readonly OrderFacts[]): Verdict {
  const committed = new Set(world.reservations.filter((r) => r.status === "committed").map((r) => r.checkoutId as string));
  const violations: Violation[] = [];
  for (const o of orders) {
    if (!o.sold || o.state.backordered) continue;
    if (!committed.has(o.checkoutId))
      violations.push({ invariant: "paid-orders-have-stock", message: `order ${o.orderId} is ${o.state.status} without a committed reservation or a backorder`, entities: { order: o.orderId, checkout: o.checkoutId } });
  }
  return verdictOf("paid-orders-have-stock", violations);
}
