// No charge on failure: a buyer told "failed" holds no money. A checkout that answers rejected or
// compensated has first voided (or refunded) every authorization it knew had succeeded. Reconciliation voids such a charge
// later, so `no-orphan-payment` passes at the end; the buyer still saw a hold on their card for a
// checkout they were told failed, for as long as reconciliation takes (hours, in production).
// Judged from the system's own records, at the moment of the answer: the command's final save
// (`updatedAt`) is when the buyer was answered; the payment ledger says which authorizations had
// succeeded by then and which voids or refunds were attempted by then. An authorization the checkout
// could not know of (its answer lost, settled only by a later reconciliation) is no-orphan-payment's.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { OrderFacts } from "./orders.ts";
import type { World } from "./world.ts";

export function noChargeOnFailure(world: World, orders: readonly OrderFacts[]): Verdict {
  // A backorder ends "compensated" yet keeps its authorization to capture on shipment.
  const backordered = new Set(orders.filter((o) => o.state.backordered).map((o) => o.checkoutId));
  const charges = new Map(world.charges.map((c) => [c.id as string, c]));
  const violations: Violation[] = [];
  for (const command of world.commands) {
    if (command.status !== "rejected" && command.status !== "compensated") continue;
    if (backordered.has(command.checkoutId)) continue;
    const answeredAt = command.updatedAt;
    const rows = world.payments.filter((r) => r.checkoutId === command.checkoutId);
    const released = rows.some((r) => (r.operation === "void" || r.operation === "refund") && r.createdAt <= answeredAt);
    if (released) continue;
    for (const auth of rows) {
      if (auth.operation !== "authorize" || auth.status !== "succeeded" || auth.providerRef === null || auth.updatedAt > answeredAt) continue;
      const charge = charges.get(auth.providerRef);
      if (charge === undefined || charge.status === "declined") continue;
      violations.push({
        invariant: "no-charge-on-failure",
        message: `checkout ${command.checkoutId} answered ${command.status} at ${answeredAt}ms holding authorization ${charge.id} (${charge.amount.amount} ${charge.amount.currency}, succeeded at ${auth.updatedAt}ms), with no void or refund tried first`,
        entities: { checkout: command.checkoutId, charge: charge.id },
      });
    }
  }
  return verdictOf("no-charge-on-failure", violations);
}
