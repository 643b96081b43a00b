// Step: create the order (the order ledger is the commercial record), and beside it its compensation,
// cancel. The order id is derived (`${checkoutId}:order`) and so are its event ids, so every append
// is idempotent: a retry after a lost response writes nothing twice.
import { keys } from "../../ids.ts";
import type { OrderEventBody } from "../../ports/orderLedger.ts";
import type { TransitionContract } from "../contract.ts";
import { ok, result } from "../context.ts";
import type { Step } from "./common.ts";
import { appendOrder, isPaid, legalNext, orderState, totalOf } from "./common.ts";

export const createOrderContract: TransitionContract = {
  owner: "order-ledger",
  idempotencyKey: "${checkoutId}:order (orderId); event ids ${orderId}:${type}",
  timeoutMs: 2_000,
  retry: { max: 3, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "orders.findByCheckout(checkoutId), orders.events(orderId)",
  customerFallback: "\"we could not place your order\"; the hold is released",
};

export const cancelOrderContract: TransitionContract = {
  owner: "order-ledger",
  idempotencyKey: "${orderId}:OrderCancelled",
  timeoutMs: 2_000,
  retry: { max: 5, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "orders.events(orderId): fold shows cancelled, or confirmed by another attempt",
  customerFallback: "order shown as cancelled, with the reason",
};

export const createOrder: Step = async (deps, c) => {
  if (c.lines === null) throw new Error(`checkout ${c.checkoutId}: no order lines before validation`);
  const shipping = c.shipping ?? null;
  const bodies: OrderEventBody[] = [{ type: "OrderCreated", checkoutId: c.checkoutId, buyerId: c.request.buyerId, lines: c.lines, ...(shipping === null ? {} : { shipping }), total: totalOf(c) }];
  if (c.reserved) bodies.push({ type: "InventoryReserved", reservationKey: keys.reserve(c.checkoutId) });
  await appendOrder(deps, c.orderId, bodies);
  return ok();
};

/** Compensation: cancel the order, unless another attempt confirmed it (a paid order is not undone). */
export const cancelOrder: Step = async (deps, c) => {
  const { state } = await orderState(deps, c.orderId);
  if (deps.mitigations["compensation-check"] && isPaid(state)) return result("paid", "completed-elsewhere");
  if (state.status === "none" || state.status === "cancelled") return ok();
  await appendOrder(deps, c.orderId, legalNext(state, [{ type: "OrderCancelled", reason: c.reason ?? "checkout-failed" }]));
  return ok();
};
