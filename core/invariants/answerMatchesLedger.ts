// What the buyer was told matches the ledgers: once healed, a checkout whose last answer was a
// failure ("payment failed", "sold out") holds none of the buyer's money (no authorization left
// unvoided, no capture left unrefunded) and has no live order; a checkout answered `confirmed` has a
// confirmed order, for exactly the lines the buyer submitted. Judged from the answers the harness saw
// delivered, never from the coordinator's own status.
import { finalAnswers, isFailure } from "./answers.ts";
import type { OrderFacts } from "./orders.ts";
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import { clientCheckoutId, type World } from "./world.ts";

const invariant = "answer-matches-ledger";

export function answerMatchesLedger(world: World, orders: readonly OrderFacts[]): Verdict {
  if (world.answers === undefined) return { invariant, valid: true, violations: [], note: "the world records no buyer answers: nothing to judge" };
  if (!world.quiescent) return { invariant, valid: "unknown", violations: [], note: "the run did not reach a healed, quiescent end" };
  const ordersOf = new Map<string, OrderFacts[]>();
  for (const o of orders) ordersOf.set(clientCheckoutId(o.checkoutId), [...(ordersOf.get(clientCheckoutId(o.checkoutId)) ?? []), o]);
  const chargesOf = new Map<string, World["charges"][number][]>();
  for (const c of world.charges) chargesOf.set(clientCheckoutId(c.reference), [...(chargesOf.get(clientCheckoutId(c.reference)) ?? []), c]);
  const submitted = new Map<string, readonly { sku: string; quantity: number }[]>();
  for (const s of world.submissions) if (s.lines !== undefined && !submitted.has(s.checkoutId)) submitted.set(s.checkoutId, s.lines);

  const violations: Violation[] = [];
  for (const [checkoutId, { last }] of [...finalAnswers(world)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const live = (ordersOf.get(checkoutId) ?? []).filter((o) => o.sold || o.state.backordered);
    const told = `told "${last.answer}"${last.reason !== undefined ? ` (${last.reason})` : ""} at t=${last.at}ms`;
    if (last.answer === "confirmed") {
      const sold = live.filter((o) => o.sold);
      if (sold.length === 0) {
        violations.push({ invariant, message: `checkout ${checkoutId}: ${told}, but it has no confirmed order`, entities: { checkout: checkoutId } });
        continue;
      }
      const lines = submitted.get(checkoutId);
      if (lines !== undefined && !sold.some((o) => sameLines(o.lines, lines)))
        violations.push({ invariant, message: `checkout ${checkoutId}: ${told}, but order ${sold[0]!.orderId} holds ${describe(sold[0]!.lines)}, not the ${describe(lines)} the buyer submitted`, entities: { checkout: checkoutId, order: sold[0]!.orderId } });
      continue;
    }
    if (!isFailure(last)) continue;
    for (const o of live)
      violations.push({ invariant, message: `checkout ${checkoutId}: ${told}, but order ${o.orderId} stands (${o.state.status})`, entities: { checkout: checkoutId, order: o.orderId } });
    for (const c of chargesOf.get(checkoutId) ?? []) {
      const held = c.status === "authorized" ? c.amount.amount : c.status === "captured" ? c.capturedAmount - c.refundedAmount : 0;
      if (held > 0)
        violations.push({ invariant, message: `checkout ${checkoutId}: ${told}, but charge ${c.id} still ${c.status === "authorized" ? "holds" : "took"} ${held} ${c.amount.currency} of the buyer's money`, entities: { checkout: checkoutId, charge: c.id } });
    }
  }
  return verdictOf(invariant, violations);
}

const units = (lines: readonly { sku: string; quantity: number }[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l.sku, (m.get(l.sku) ?? 0) + l.quantity);
  return m;
};

function sameLines(a: readonly { sku: string; quantity: number }[], b: readonly { sku: string; quantity: number }[]): boolean {
  const x = units(a);
  const y = units(b);
  return x.size === y.size && [...x].every(([sku, n]) => y.get(sku) === n);
}

const describe = (lines: readonly { sku: string; quantity: number }[]) =>
  [...units(lines)]
    .sort()
    .map(([sku, n]) => `${n} ${sku}`)
    .join(", ");
