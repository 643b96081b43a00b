// Step: confirm the order through the one idempotent completion path the webhook also uses. The
// provider reference comes from context, or after a crash from the ledger, so a resumed checkout
// confirms the same authorization.
import type { TransitionContract } from "../contract.ts";
import { ok, result } from "../context.ts";
import { completeCheckout } from "../complete.ts";
import type { Step } from "./common.ts";
import { orderState, providerRefOf, totalOf } from "./common.ts";

export const confirmContract: TransitionContract = {
  owner: "order-ledger",
  idempotencyKey: "${orderId}:PaymentAuthorized, ${orderId}:InventoryReserved, ${orderId}:OrderConfirmed; commit ${checkoutId}:reserve",
  timeoutMs: 2_000,
  retry: { max: 5, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "orders.events(orderId) fold; inventory.get(${checkoutId}:reserve) status",
  customerFallback: "\"order confirmed\"; if the hold lapsed: \"not charged, item no longer available\"",
};

export const confirm: Step = async (deps, c) => {
  const { events } = await orderState(deps, c.orderId);
  const providerRef = providerRefOf(c, events);
  if (providerRef === null) throw new Error(`confirm ${c.checkoutId}: no provider reference for the authorization`);
  const r = await completeCheckout(deps, { checkoutId: c.checkoutId, orderId: c.orderId, providerRef, amount: totalOf(c) });
  switch (r.status) {
    case "confirmed":
    case "already-confirmed":
      return ok({ providerRef });
    case "reservation-lost":
      return result("reservation-lost", "reservation-expired");
    case "cancelled":
      return result("rejected", "order-cancelled");
    case "awaiting-stock":
    case "unknown-order":
      throw new Error(`confirm ${c.checkoutId}: ${r.status}`);
  }
};
