// Reads the monolith's tables into the checkers' World. It has no reservations, no ledger, no
// outbox, so only the invariants it can be judged on apply (MONOLITH_INVARIANTS).
import { BuyerId, CheckoutId, EventId, OrderId, ProviderRef, Sku } from "../../core/ids.ts";
import type { InvariantName } from "../../core/invariants/verdict.ts";
import type { World } from "../../core/invariants/world.ts";
import type { OrderEvent } from "../../core/ports/orderLedger.ts";
import type { MonolithDb } from "../../adapters/monolith/monolithDb.ts";
import type { Currency } from "../../core/money.ts";
import type { BuyerAnswer, Submission } from "../../core/invariants/world.ts";
import { CURRENCY } from "../runContext.ts";

export const MONOLITH_INVARIANTS: readonly InvariantName[] = ["no-oversell", "no-double-charge", "one-order-per-checkout", "no-orphan-payment", "catalog-price", "liveness"];

/** The invariants a run of `architecture` is judged on: the scenario's, narrowed for the monolith. */
export function judgedInvariants(architecture: string | undefined, invariants: readonly InvariantName[]): readonly InvariantName[] {
  return architecture === "monolith" ? invariants.filter((i) => MONOLITH_INVARIANTS.includes(i)) : invariants;
}

/** The world the checkers judge for a monolith run: its order rows, and its buyers' answers for command records. */
export async function monolithJudgedWorld(collected: World, db: MonolithDb, records: { readonly submissions: readonly Submission[]; readonly answers: readonly BuyerAnswer[] }): Promise<World> {
  return monolithWorld({ ...collected, commands: commandsFromAnswers(records.submissions, records.answers) }, await monolithOrders(db, CURRENCY));
}

/** Rebuilds order "events" from mutable rows: all the monolith can still tell about an order. */
export async function monolithOrders(db: MonolithDb, currency: Currency): Promise<Record<string, OrderEvent[]>> {
  const out: Record<string, OrderEvent[]> = {};
  for (const o of await db.orders()) {
    const orderId = OrderId(o.id);
    const base = { orderId, at: o.createdAt };
    const money = (amount: number) => ({ amount, currency });
    const events: OrderEvent[] = [
      { ...base, eventId: EventId(`${o.id}:created`), sequence: 1, type: "OrderCreated", checkoutId: CheckoutId(o.checkoutId), buyerId: BuyerId(o.buyerId), total: money(o.total), shipping: money(o.shipping), lines: o.lines.map((l) => ({ sku: Sku(l.sku), quantity: l.quantity, unitPrice: money(l.unitPrice), priceVersion: l.priceVersion, ...(l.taxRateBps === undefined ? {} : { taxRateBps: l.taxRateBps, tax: money(l.tax ?? 0) }) })) },
      { ...base, eventId: EventId(`${o.id}:reserved`), sequence: 2, type: "InventoryReserved", reservationKey: `${o.checkoutId}:qty` as never },
      { ...base, eventId: EventId(`${o.id}:paid`), sequence: 3, type: "PaymentAuthorized", providerRef: ProviderRef(o.chargeId ?? ""), amount: money(o.total) },
      { ...base, eventId: EventId(`${o.id}:confirmed`), sequence: 4, type: "OrderConfirmed" },
    ];
    out[orderId] = events;
  }
  return out;
}

export function monolithWorld(base: World, orders: Record<string, OrderEvent[]>): World {
  return { ...base, orders, reservations: [], levels: [], appended: [] };
}

/** The monolith keeps no checkout records; its buyers' submissions and answers stand in for them. */
function commandsFromAnswers(submissions: readonly Submission[], answers: readonly BuyerAnswer[]): World["commands"] {
  const seen = new Map<string, Submission>();
  for (const s of submissions) if (!seen.has(s.checkoutId)) seen.set(s.checkoutId, s);
  const outcomes: Record<string, string> = {};
  for (const a of answers) if (a.answer !== "no-answer") outcomes[a.checkoutId] = a.answer;
  return [...seen.values()].map((s) => ({
    checkoutId: CheckoutId(s.checkoutId),
    buyerId: BuyerId(s.buyerId),
    requestHash: "",
    request: "",
    status: (outcomes[s.checkoutId] as "confirmed" | "rejected" | "compensated" | undefined) ?? "running",
    snapshot: null,
    createdAt: s.at,
    updatedAt: s.at,
  }));
}
