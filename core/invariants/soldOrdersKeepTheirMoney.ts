// A sold order keeps its money: a confirmed order that was not cancelled has captured (or still holds
// an authorization for) exactly its total at the provider, and no void or refund was issued against it
// without a cancellation in the ledger. The bug it finds: another attempt's compensation (a timed-out
// storefront path, a duplicate submission) voids or refunds the charge an order completed elsewhere
// stands on, and the merchant ships for free.
import type { OrderFacts } from "./orders.ts";
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

const invariant = "sold-orders-keep-their-money";

export function soldOrdersKeepTheirMoney(world: World, orders: readonly OrderFacts[]): Verdict {
  if (!world.quiescent) return { invariant, valid: "unknown", violations: [], note: "the run did not reach a healed, quiescent end" };
  const charges = new Map(world.charges.map((c) => [c.id as string, c]));
  const violations: Violation[] = [];
  for (const o of orders) {
    const confirmedAt = o.events.findIndex((e) => e.type === "OrderConfirmed");
    if (confirmedAt < 0 || o.events.some((e) => e.type === "OrderCancelled")) continue;
    for (const e of o.events.slice(confirmedAt + 1)) {
      if (e.type === "PaymentVoided" || e.type === "RefundIssued")
        violations.push({ invariant, message: `order ${o.orderId} was confirmed, then ${e.type === "PaymentVoided" ? `its charge ${e.providerRef} voided` : `refunded ${e.amount.amount} on ${e.providerRef}`} without a cancellation`, entities: { order: o.orderId, checkout: o.checkoutId, charge: e.providerRef } });
    }
    let held = 0;
    const parts: string[] = [];
    for (const ref of [...o.providerRefs].sort()) {
      const c = charges.get(ref);
      if (c === undefined) {
        parts.push(`${ref} unknown to the provider`);
        continue;
      }
      const money = c.status === "authorized" ? c.amount.amount : c.status === "captured" ? c.capturedAmount - c.refundedAmount : 0;
      held += money;
      parts.push(`${ref} ${c.status} ${money}`);
    }
    if (held !== o.total)
      violations.push({ invariant, message: `confirmed order ${o.orderId} (total ${o.total}) holds ${held} at the provider (${parts.join(", ") || "no charge"})`, entities: { order: o.orderId, checkout: o.checkoutId } });
  }
  return verdictOf(invariant, violations);
}
