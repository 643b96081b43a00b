// Step: capture the payment and release fulfillment, and beside it its compensation, refund (used
// when a void is refused because the charge was already captured). Keys derive from the order id.
import { keys } from "../../ids.ts";
import type { TransitionContract } from "../contract.ts";
import { ok, result } from "../context.ts";
import type { Step } from "./common.ts";
import { appendOrder, legalNext, orderState, providerRefOf, totalOf } from "./common.ts";

export const captureContract: TransitionContract = {
  owner: "payment-ledger",
  idempotencyKey: "${orderId}:capture",
  timeoutMs: 10_000,
  retry: { max: 3, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "payments.reconcile(${orderId}:capture); payment ledger rows needing reconciliation",
  customerFallback: "\"order confirmed\" (capture settles in the background; no second charge)",
};

export const refundContract: TransitionContract = {
  owner: "provider",
  idempotencyKey: "${orderId}:refund",
  timeoutMs: 10_000,
  retry: { max: 5, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "provider.retrieve(providerRef) refundedAmount; payment ledger row for ${orderId}:refund",
  customerFallback: "\"you have been refunded\"",
};

export const capture: Step = async (deps, c) => {
  const { events, state } = await orderState(deps, c.orderId);
  const providerRef = providerRefOf(c, events);
  if (providerRef === null) throw new Error(`capture ${c.checkoutId}: no provider reference`);
  const amount = totalOf(c);
  const r = await deps.payments.capture({ checkoutId: c.checkoutId, orderId: c.orderId, key: keys.capture(c.orderId), providerRef, amount });
  if (r.status === "declined") return result("declined", "capture-declined");
  if (r.status === "unknown") return result("unknown", "capture-unknown");
  await appendOrder(deps, c.orderId, legalNext(state, [{ type: "PaymentCaptured", providerRef, amount }, { type: "FulfillmentReleased" }]));
  return ok({ providerRef });
};

/** Compensation for a captured charge: refund it in full. */
export const refund: Step = async (deps, c) => {
  const { events, state } = await orderState(deps, c.orderId);
  const providerRef = providerRefOf(c, events);
  if (providerRef === null) return ok();
  const amount = totalOf(c);
  const r = await deps.payments.refund({ checkoutId: c.checkoutId, orderId: c.orderId, key: keys.refund(c.orderId), providerRef, amount });
  if (r.status === "unknown") throw new Error(`refund ${c.checkoutId}: outcome unknown (${r.reason})`);
  if (r.status === "declined") return result("declined", "refund-refused");
  await appendOrder(deps, c.orderId, legalNext(state, [{ type: "RefundIssued", providerRef, amount }]));
  return ok();
};
