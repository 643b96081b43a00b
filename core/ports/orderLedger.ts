// Order ledger: the durable commercial record. Append-only events per order; state is their fold;
// an event id that already exists is a no-op; committed events reach the outbox in the same write.
import type { BuyerId, CheckoutId, EventId, OrderId, ProviderRef, ReservationKey, Sku } from "../ids.ts";
import type { Money } from "../money.ts";

export interface OrderLine {
  readonly sku: Sku;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly priceVersion: number;
  /** The tax rate the line was taxed at (basis points); absent: untaxed. */
  readonly taxRateBps?: number;
  /** The line's tax: unit price x quantity x rate, rounded half up (core/pricing.ts); absent: 0. */
  readonly tax?: Money;
}

export type OrderEventBody =
  /** `total` = the lines (unit price x quantity) + their tax + `shipping` (absent: 0). */
  | { readonly type: "OrderCreated"; readonly checkoutId: CheckoutId; readonly buyerId: BuyerId; readonly lines: readonly OrderLine[]; readonly shipping?: Money; readonly total: Money }
  | { readonly type: "InventoryReserved"; readonly reservationKey: ReservationKey }
  | { readonly type: "PaymentAuthorized"; readonly providerRef: ProviderRef; readonly amount: Money }
  | { readonly type: "OrderConfirmed" }
  | { readonly type: "FulfillmentReleased" }
  | { readonly type: "PaymentCaptured"; readonly providerRef: ProviderRef; readonly amount: Money }
  | { readonly type: "PaymentVoided"; readonly providerRef: ProviderRef }
  | { readonly type: "RefundIssued"; readonly providerRef: ProviderRef; readonly amount: Money }
  | { readonly type: "Backordered"; readonly lines: readonly { readonly sku: Sku; readonly quantity: number }[] }
  | { readonly type: "OrderCancelled"; readonly reason: string };

export type OrderEventType = OrderEventBody["type"];

export type OrderEvent = OrderEventBody & {
  readonly eventId: EventId;
  readonly orderId: OrderId;
  /** Position in the order's stream, from 1. Assigned by the ledger. */
  readonly sequence: number;
  readonly at: number;
};

export type NewOrderEvent = OrderEventBody & { readonly eventId: EventId };

export interface AppendResult {
  /** Events actually written (duplicates by event id are skipped). */
  readonly appended: readonly OrderEvent[];
  readonly duplicates: number;
}

export interface OutboxEntry {
  readonly eventId: EventId;
  readonly orderId: OrderId;
  readonly type: OrderEventType;
  readonly payload: string; // JSON of the event
  readonly publishedAt: number | null;
}

export interface OrderLedger {
  /**
   * Appends events in order, atomically: either all new events are written (with outbox entries) or
   * none. Known event ids are skipped. Throws IllegalTransition when the lifecycle forbids an event.
   */
  append(orderId: OrderId, events: readonly NewOrderEvent[]): Promise<AppendResult>;
  events(orderId: OrderId): Promise<OrderEvent[]>;
  /** The order created for a checkout, if any (reconciliation after a lost response). */
  findByCheckout(checkoutId: CheckoutId): Promise<OrderId | undefined>;
  /** Every order id, sorted; for checkers and reports. */
  orderIds(): Promise<OrderId[]>;
  /** Unpublished outbox entries, oldest first. */
  pendingOutbox(limit: number): Promise<OutboxEntry[]>;
  markPublished(eventIds: readonly EventId[], at: number): Promise<void>;
}
