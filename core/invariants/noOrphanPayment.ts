// No orphan payment: once faults heal and reconciliation has run, every charge still holding or
// taking money belongs to a live order; all others were voided or refunded.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { OrderFacts } from "./orders.ts";
import type { World } from "./world.ts";

export function noOrphanPayment(world: World, orders: readonly OrderFacts[]): Verdict {
  if (!world.quiescent) return { invariant: "no-orphan-payment", valid: "unknown", violations: [], note: "the run did not reach a healed, quiescent end" };
  const live = new Set<string>();
  for (const o of orders) if (o.sold || o.state.backordered) for (const ref of o.providerRefs) live.add(ref);
  const violations: Violation[] = [];
  for (const c of world.charges) {
    const holdsMoney = c.status === "authorized" || (c.status === "captured" && c.refundedAmount < c.capturedAmount);
    if (holdsMoney && !live.has(c.id))
      violations.push({ invariant: "no-orphan-payment", message: `charge ${c.id} (${c.status}, ${c.amount.amount} ${c.amount.currency}) for checkout ${c.reference} belongs to no confirmed order`, entities: { charge: c.id, checkout: c.reference } });
  }
  return verdictOf("no-orphan-payment", violations);
}
