// The legal order event sequences, as a pure fold. Every ledger adapter calls `applyEvent` before
// writing, so an illegal sequence is refused the same way on every engine.
import { IllegalTransition } from "./errors.ts";
import type { OrderEvent, OrderEventBody, OrderEventType } from "./ports/orderLedger.ts";
import type { Money } from "./money.ts";

export type OrderStatus =
  | "none"
  | "created"
  | "reserved"
  | "authorized"
  | "confirmed"
  | "released"
  | "captured"
  | "backordered"
  | "cancelled"
  | "refunded";

export interface OrderState {
  readonly status: OrderStatus;
  readonly total: Money | null;
  readonly inventoryReserved: boolean;
  readonly authorized: boolean;
  readonly capturedAmount: number;
  readonly refundedAmount: number;
  readonly voided: boolean;
  readonly backordered: boolean;
}

export const initialOrderState: OrderState = {
  status: "none",
  total: null,
  inventoryReserved: false,
  authorized: false,
  capturedAmount: 0,
  refundedAmount: 0,
  voided: false,
  backordered: false,
};

/** Which event types may follow each status. Reserve and authorize may come in either order (policies differ). */
const allowed: Record<OrderStatus, readonly OrderEventType[]> = {
  none: ["OrderCreated"],
  created: ["InventoryReserved", "PaymentAuthorized", "Backordered", "OrderCancelled"],
  reserved: ["PaymentAuthorized", "OrderCancelled"],
  authorized: ["InventoryReserved", "OrderConfirmed", "Backordered", "PaymentVoided", "OrderCancelled", "RefundIssued"],
  confirmed: ["FulfillmentReleased", "PaymentCaptured", "RefundIssued", "OrderCancelled", "PaymentVoided"],
  released: ["PaymentCaptured", "RefundIssued"],
  captured: ["RefundIssued", "FulfillmentReleased"],
  backordered: ["PaymentAuthorized", "InventoryReserved", "OrderConfirmed", "RefundIssued", "PaymentVoided", "OrderCancelled"],
  cancelled: ["PaymentVoided", "RefundIssued"],
  refunded: ["RefundIssued", "OrderCancelled"],
};

export function canApply(state: OrderState, type: OrderEventType): boolean {
  return allowed[state.status].includes(type);
}

/** Folds one event into the state, or throws IllegalTransition. */
export function applyEvent(orderId: string, state: OrderState, event: OrderEventBody): OrderState {
  if (!canApply(state, event.type))
    throw new IllegalTransition({ orderId, from: state.status, event: event.type, message: `order ${orderId}: ${event.type} is not allowed after status ${state.status}` });
  switch (event.type) {
    case "OrderCreated":
      return { ...state, status: "created", total: event.total };
    case "InventoryReserved":
      return { ...state, inventoryReserved: true, status: state.authorized ? "authorized" : state.status === "backordered" ? "backordered" : "reserved" };
    case "PaymentAuthorized":
      return { ...state, authorized: true, status: state.status === "backordered" ? "backordered" : "authorized" };
    case "OrderConfirmed":
      return { ...state, status: "confirmed" };
    case "FulfillmentReleased":
      return { ...state, status: state.status === "captured" ? "captured" : "released" };
    case "PaymentCaptured":
      return { ...state, status: "captured", capturedAmount: state.capturedAmount + event.amount.amount };
    case "PaymentVoided":
      return { ...state, voided: true, status: state.status === "confirmed" || state.status === "authorized" || state.status === "backordered" ? "cancelled" : state.status };
    case "RefundIssued":
      return { ...state, status: "refunded", refundedAmount: state.refundedAmount + event.amount.amount };
    case "Backordered":
      return { ...state, status: "backordered", backordered: true };
    case "OrderCancelled":
      return { ...state, status: "cancelled" };
  }
}

export function foldOrder(events: readonly OrderEvent[]): OrderState {
  return events.reduce((s, e) => applyEvent(e.orderId, s, e), initialOrderState);
}
