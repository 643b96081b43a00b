// No double charge, as the buyer's bank statement shows it: per checkout at most one capture, and
// never more captured (net of refunds) than the order total. Read from the provider's ledger: the
// bank's view, not ours. An extra authorization that was voided instead of captured takes no money:
// it is counted in the run's stats (`extraAuthorizationsVoided`), not judged here; one still held
// after healing is no-orphan-payment's, and a confirmed order holding more than its total is
// sold-orders-keep-their-money's.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { OrderFacts } from "./orders.ts";
import type { World } from "./world.ts";

const invariant = "no-double-charge";

export function noDoubleCharge(world: World, orders: readonly OrderFacts[]): Verdict {
  const violations: Violation[] = [];
  const captured = new Map<string, World["charges"][number][]>();
  for (const c of world.charges) if (c.capturedAmount > 0) captured.set(c.reference, [...(captured.get(c.reference) ?? []), c]);
  const totals = new Map(orders.map((o) => [o.checkoutId, o.total]));
  for (const [reference, charges] of [...captured].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const ids = charges.map((c) => c.id).join(", ");
    if (charges.length > 1) violations.push({ invariant, message: `checkout ${reference} was captured ${charges.length} times (${ids})`, entities: { checkout: reference, charges: ids } });
    const total = totals.get(reference);
    const net = charges.reduce((n, c) => n + c.capturedAmount - c.refundedAmount, 0);
    if (total !== undefined && net > total) violations.push({ invariant, message: `checkout ${reference}: ${net} captured (${ids}) > order total ${total}`, entities: { checkout: reference, charges: ids } });
  }
  return verdictOf(invariant, violations);
}

/**
 * Authorizations beyond a checkout's first that were voided without ever being captured: money the
 * buyer saw held on the card for a while, then released. Reported in the run's stats.
 */
export function extraAuthorizationsVoided(world: World): number {
  const byReference = new Map<string, number>();
  let n = 0;
  for (const c of world.charges) {
    if (c.status === "declined") continue;
    const seen = byReference.get(c.reference) ?? 0;
    byReference.set(c.reference, seen + 1);
    if (seen > 0 && c.status === "voided" && c.capturedAmount === 0) n++;
  }
  return n;
}

/**
 * Checkouts whose buyer holds money on more than one charge at the end (an authorization not voided,
 * or a capture not refunded): charged twice for one purchase, as the bank statement shows it. What
 * `compare --architectures` counts as double charges; after healing the split reference leaves none.
 */
export function doubleCharged(world: World): string[] {
  const holding = new Map<string, number>();
  for (const c of world.charges) {
    const holds = c.status === "authorized" || (c.status === "captured" && c.capturedAmount - c.refundedAmount > 0);
    if (holds) holding.set(c.reference, (holding.get(c.reference) ?? 0) + 1);
  }
  return [...holding].filter(([, n]) => n > 1).map(([reference]) => reference).sort();
}
