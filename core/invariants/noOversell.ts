// No oversell: in the store, held + committed never exceeds on-hand; in the business, units in sold
// orders never exceed units received. The second catches a coordinator that sells without reserving.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import { unitsSold, type OrderFacts } from "./orders.ts";
import type { World } from "./world.ts";

export function noOversell(world: World, orders: readonly OrderFacts[]): Verdict {
  const violations: Violation[] = [];
  for (const l of world.levels) {
    if (l.held + l.committed > l.onHand || l.onHand < 0)
      violations.push({ invariant: "no-oversell", message: `${l.sku}@${l.location}: held ${l.held} + committed ${l.committed} > on hand ${l.onHand}`, entities: { sku: l.sku, location: l.location } });
  }
  const received = new Map<string, number>();
  for (const [skuAt, units] of Object.entries(world.received)) {
    const sku = skuAt.split("@")[0]!;
    received.set(sku, (received.get(sku) ?? 0) + units);
  }
  const sold = unitsSold(orders);
  for (const [sku, s] of [...sold].sort()) {
    const r = received.get(sku) ?? 0;
    if (s.units > r)
      violations.push({ invariant: "no-oversell", message: `${sku}: ${s.units} units sold in ${s.orders.length} orders, only ${r} received`, entities: { sku, orders: s.orders.slice(0, 5).join(",") } });
  }
  return verdictOf("no-oversell", violations);
}
