// Money reconciles three ways, as a finance team checks it: per provider charge, once healed, the
// provider's own record (the bank statement), the payment ledger's rows and the order ledger's payment
// events agree on what was authorized, captured, refunded and voided. The order ledger speaks for
// captured and refunded amounts; the payment ledger for all four. A difference names the charge, the
// order and the amount each side holds.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

interface Side {
  captured: number;
  refunded: number;
  voided: boolean;
  /** Amounts of succeeded authorize rows naming the charge. */
  authorized: number[];
}
const empty = (): Side => ({ captured: 0, refunded: 0, voided: false, authorized: [] });

export function moneyReconciles(world: World): Verdict {
  if (!world.quiescent) return { invariant: "money-reconciles", valid: "unknown", violations: [], note: "the run did not reach a healed, quiescent end" };
  const violations: Violation[] = [];
  const v = (message: string, entities: Record<string, string>) => violations.push({ invariant: "money-reconciles", message, entities });

  // The payment ledger's view: only rows that say the operation happened (settled `succeeded`).
  const ledger = new Map<string, Side>();
  const orderOf = new Map<string, string>();
  for (const row of world.payments) {
    if (row.status !== "succeeded" || row.providerRef === null) continue;
    const side = ledger.get(row.providerRef) ?? empty();
    if (row.operation === "authorize") side.authorized.push(row.amount.amount);
    else if (row.operation === "capture") side.captured += row.amount.amount;
    else if (row.operation === "refund") side.refunded += row.amount.amount;
    else side.voided = true;
    ledger.set(row.providerRef, side);
    if (row.orderId !== null && !orderOf.has(row.providerRef)) orderOf.set(row.providerRef, row.orderId);
  }
  // The order ledger's view: payment events, whoever appended them.
  const book = new Map<string, Side>();
  for (const [orderId, events] of Object.entries(world.orders)) {
    for (const e of events) {
      if (e.type !== "PaymentAuthorized" && e.type !== "PaymentCaptured" && e.type !== "RefundIssued" && e.type !== "PaymentVoided") continue;
      orderOf.set(e.providerRef, orderId);
      const side = book.get(e.providerRef) ?? empty();
      if (e.type === "PaymentCaptured") side.captured += e.amount.amount;
      else if (e.type === "RefundIssued") side.refunded += e.amount.amount;
      book.set(e.providerRef, side);
    }
  }

  const known = new Set<string>();
  for (const c of [...world.charges].sort((a, b) => cmp(a.id, b.id))) {
    known.add(c.id);
    const order = orderOf.get(c.id) ?? "none";
    const entities = { charge: c.id, checkout: c.reference, order };
    const of = `charge ${c.id} (checkout ${c.reference}, order ${order})`;
    const l = ledger.get(c.id) ?? empty();
    const b = book.get(c.id) ?? empty();
    if (c.capturedAmount !== l.captured || c.capturedAmount !== b.captured)
      v(`${of}: captured ${c.capturedAmount} at the provider, ${l.captured} in the payment ledger, ${b.captured} in the order ledger`, entities);
    if (c.refundedAmount !== l.refunded || c.refundedAmount !== b.refunded)
      v(`${of}: refunded ${c.refundedAmount} at the provider, ${l.refunded} in the payment ledger, ${b.refunded} in the order ledger`, entities);
    if ((c.status === "voided") !== l.voided)
      v(`${of}: ${c.status === "voided" ? "voided at the provider, no succeeded void in the payment ledger" : `the payment ledger records a void, the provider says ${c.status}`}`, entities);
    const heldMoney = c.status === "authorized" || c.status === "captured";
    if (heldMoney && l.authorized.length === 0) v(`${of}: ${c.status} for ${c.amount.amount} at the provider, no succeeded authorization names it in the payment ledger`, entities);
    for (const amount of l.authorized)
      if (amount !== c.amount.amount) v(`${of}: authorized ${c.amount.amount} at the provider, ${amount} in the payment ledger`, entities);
  }
  for (const [side, name] of [[ledger, "payment ledger"], [book, "order ledger"]] as const) {
    for (const [ref, s] of [...side].sort(([a], [b]) => cmp(a, b))) {
      if (known.has(ref)) continue;
      const what = [s.authorized.length > 0 ? "an authorization" : "", s.captured > 0 ? `a capture of ${s.captured}` : "", s.refunded > 0 ? `a refund of ${s.refunded}` : "", s.voided ? "a void" : ""].filter(Boolean).join(", ") || "a payment event";
      v(`the ${name} records ${what} on charge ${ref} (order ${orderOf.get(ref) ?? "none"}), which the provider never made`, { charge: ref, order: orderOf.get(ref) ?? "none" });
    }
  }
  return verdictOf("money-reconciles", violations);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
