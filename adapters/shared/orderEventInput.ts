// Validation of order events before any engine writes them: every ledger adapter calls this, so bad
// input is refused with the same InvalidInput on every engine and nothing is written. It also copies
// and freezes the body, so a caller that mutates its input afterwards cannot change history.
import { InvalidInput } from "../../core/errors.ts";
import type { BuyerId, CheckoutId, EventId, ProviderRef, ReservationKey, Sku } from "../../core/ids.ts";
import { money, type Money } from "../../core/money.ts";
import type { NewOrderEvent, OrderEventBody, OrderLine } from "../../core/ports/orderLedger.ts";
import { requireKey, requireNonNegativeInt, requireQuantity } from "../../core/validate.ts";
import { requireTaxRate } from "../../core/pricing.ts";

const freeze = Object.freeze;

function requireMoney(value: unknown, field: string): Money {
  if (typeof value !== "object" || value === null) throw new InvalidInput({ field, message: `${field} must be Money { amount, currency }` });
  const m = value as { amount?: unknown; currency?: unknown };
  if (typeof m.amount !== "number") throw new InvalidInput({ field, message: `${field}.amount must be an integer number of minor units, got ${String(m.amount)}` });
  return freeze(money(m.amount, String(m.currency), `${field}.amount`));
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string") throw new InvalidInput({ field, message: `${field} must be a string` });
  return value;
}

function requireArray(value: unknown, field: string, nonEmpty: boolean): readonly unknown[] {
  if (!Array.isArray(value)) throw new InvalidInput({ field, message: `${field} must be an array` });
  if (nonEmpty && value.length === 0) throw new InvalidInput({ field, message: `${field} must not be empty` });
  return value;
}

function orderLine(value: unknown, field: string): OrderLine {
  const l = (value ?? {}) as Partial<Record<keyof OrderLine, unknown>>;
  return freeze({
    sku: requireKey(l.sku, `${field}.sku`) as Sku,
    quantity: requireQuantity(l.quantity, `${field}.quantity`),
    unitPrice: requireMoney(l.unitPrice, `${field}.unitPrice`),
    priceVersion: requireNonNegativeInt(l.priceVersion, `${field}.priceVersion`),
    ...(l.taxRateBps === undefined ? {} : { taxRateBps: requireTaxRate(l.taxRateBps, `${field}.taxRateBps`) }),
    ...(l.tax === undefined ? {} : { tax: requireMoney(l.tax, `${field}.tax`) }),
  });
}

/** Every amount of an order (line prices, taxes, shipping) is in the total's currency. */
function requireOneCurrency(field: string, lines: readonly OrderLine[], shipping: Money | undefined, total: Money): void {
  const amounts: [string, Money | undefined][] = [...lines.flatMap((l): [string, Money | undefined][] => [[`line ${l.sku}`, l.unitPrice], [`line ${l.sku}'s tax`, l.tax]]), ["shipping", shipping]];
  for (const [what, m] of amounts)
    if (m !== undefined && m.currency !== total.currency)
      throw new InvalidInput({ field: `${field}.lines`, message: `${field}: ${what} is in ${m.currency} but the total is in ${total.currency}` });
}

/** A validated, frozen copy of one event body with only the fields its type defines. */
export function orderEventBody(value: unknown, field: string): OrderEventBody {
  if (typeof value !== "object" || value === null) throw new InvalidInput({ field, message: `${field} must be an order event` });
  const e = value as Record<string, unknown>;
  switch (e["type"]) {
    case "OrderCreated": {
      const lines = requireArray(e["lines"], `${field}.lines`, true).map((l, i) => orderLine(l, `${field}.lines[${i}]`));
      const total = requireMoney(e["total"], `${field}.total`);
      const shipping = e["shipping"] === undefined ? undefined : requireMoney(e["shipping"], `${field}.shipping`);
      requireOneCurrency(field, lines, shipping, total);
      return freeze({
        type: "OrderCreated",
        checkoutId: requireKey(e["checkoutId"], `${field}.checkoutId`) as CheckoutId,
        buyerId: requireKey(e["buyerId"], `${field}.buyerId`) as BuyerId,
        lines: freeze(lines),
        ...(shipping === undefined ? {} : { shipping }),
        total,
      });
    }
    case "InventoryReserved":
      return freeze({ type: "InventoryReserved", reservationKey: requireKey(e["reservationKey"], `${field}.reservationKey`) as ReservationKey });
    case "PaymentAuthorized":
    case "PaymentCaptured":
    case "RefundIssued":
      return freeze({
        type: e["type"],
        providerRef: requireKey(e["providerRef"], `${field}.providerRef`) as ProviderRef,
        amount: requireMoney(e["amount"], `${field}.amount`),
      });
    case "PaymentVoided":
      return freeze({ type: "PaymentVoided", providerRef: requireKey(e["providerRef"], `${field}.providerRef`) as ProviderRef });
    case "OrderConfirmed":
    case "FulfillmentReleased":
      return freeze({ type: e["type"] });
    case "Backordered": {
      const lines = requireArray(e["lines"], `${field}.lines`, true).map((l, i) => {
        const b = (l ?? {}) as { sku?: unknown; quantity?: unknown };
        return freeze({ sku: requireKey(b.sku, `${field}.lines[${i}].sku`) as Sku, quantity: requireQuantity(b.quantity, `${field}.lines[${i}].quantity`) });
      });
      return freeze({ type: "Backordered", lines: freeze(lines) });
    }
    case "OrderCancelled":
      return freeze({ type: "OrderCancelled", reason: requireString(e["reason"], `${field}.reason`) });
    default:
      throw new InvalidInput({ field: `${field}.type`, message: `${field}.type: unknown order event type ${JSON.stringify(e["type"])}` });
  }
}

/** Validates a whole append request up front (ids, bodies), returning frozen copies. */
export function newOrderEvents(orderId: unknown, events: unknown): { orderId: string; events: readonly NewOrderEvent[] } {
  const id = requireKey(orderId, "orderId");
  const list = requireArray(events, "events", false).map((raw, i): NewOrderEvent => {
    const field = `events[${i}]`;
    const eventId = requireKey((raw as { eventId?: unknown } | null)?.eventId, `${field}.eventId`) as EventId;
    return freeze({ ...orderEventBody(raw, field), eventId });
  });
  return { orderId: id, events: list };
}
