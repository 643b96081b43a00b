// No double charge: per checkout at most one successful authorization at the provider, and never
// more captured than the order total. Read from the provider's ledger: the bank's view, not ours.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { OrderFacts } from "./orders.ts";
import type { World } from "./world.ts";

export function noDoubleCharge(world: World, orders: readonly OrderFacts[]): Verdict {
  const violations: Violation[] = [];
  const byReference = new Map<string, string[]>();
  for (const c of world.charges) {
    if (c.status === "declined") continue;
    const list = byReference.get(c.reference) ?? [];
    list.push(c.id);
    byReference.set(c.reference, list);
  }
  for (const [reference, ids] of [...byReference].sort()) {
    if (ids.length > 1)
      violations.push({ invariant: "no-double-charge", message: `checkout ${reference} has ${ids.length} successful authorizations (${ids.join(", ")})`, entities: { checkout: reference, charges: ids.join(",") } });
  }
  const totals = new Map(orders.map((o) => [o.checkoutId, o.total]));
  for (const c of world.charges) {
    const total = totals.get(c.reference);
    if (total !== undefined && c.capturedAmount > total)
      violations.push({ invariant: "no-double-charge", message: `charge ${c.id} captured ${c.capturedAmount} > order total ${total}`, entities: { checkout: c.reference, charge: c.id } });
  }
  return verdictOf("no-double-charge", violations);
}
