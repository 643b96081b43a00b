// Reads the monolith's tables into the checkers' World. It has no reservations, no ledger, no
// outbox, so only the invariants it can be judged on apply (MONOLITH_INVARIANTS).
import { BuyerId, CheckoutId, EventId, OrderId, ProviderRef, Sku } from "../../core/ids.ts";
import type { InvariantName } from "../../core/invariants/verdict.ts";
import type { World } from "../../core/invariants/world.ts";
import type { OrderEvent } from "../../core/ports/orderLedger.ts";
import type { MonolithDb } from "../../adapters/monolith/monolithDb.ts";
import type { Currency } from "../../core/money.ts";

export const MONOLITH_INVARIANTS: readonly InvariantName[] = ["no-oversell", "no-double-charge", "one-order-per-checkout", "no-orphan-payment", "catalog-price", "liveness"];

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
