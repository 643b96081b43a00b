// Step: authorize the payment (the payment ledger writes its row before the provider is called), and
// beside it its compensation, void. The key is `${checkoutId}:auth` on every retry; an `unknown`
// result is never retried with a new key but reconciled by the same one (steps/reconcilePayment.ts).
import { IdempotencyKey, keys } from "../../ids.ts";
import type { OrderId, ProviderRef } from "../../ids.ts";
import type { Money } from "../../money.ts";
import type { PaymentResult } from "../../ports/paymentService.ts";
import type { TransitionContract } from "../contract.ts";
import type { CheckoutContext, StepResult } from "../context.ts";
import { ok, result } from "../context.ts";
import type { CheckoutDeps } from "../deps.ts";
import { completeCheckout } from "../complete.ts";
import type { Step } from "./common.ts";
import { appendOrder, isPaid, legalNext, orderState, providerRefOf, totalOf } from "./common.ts";

export const authorizeContract: TransitionContract = {
  owner: "payment-ledger",
  idempotencyKey: "${checkoutId}:auth (+ request hash in the payment ledger)",
  timeoutMs: 10_000,
  retry: { max: 2, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "payments.reconcile(${checkoutId}:auth): provider searchByKey, recorded in the payment ledger",
  customerFallback: "\"payment is being confirmed\"; never ask the buyer to pay again",
};

export const voidContract: TransitionContract = {
  owner: "provider",
  idempotencyKey: "${checkoutId}:void",
  timeoutMs: 10_000,
  retry: { max: 5, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "provider.retrieve(providerRef) status voided; payment ledger row for ${checkoutId}:void",
  customerFallback: "\"you have not been charged\" (the hold on the card is lifted)",
};

/**
 * The authorize key for an attempt. With `payment-key` off every retry gets a fresh suffix: the
 * double-charge bug the checker must catch.
 */
export function authorizeKey(deps: CheckoutDeps, c: CheckoutContext, attempt: number): IdempotencyKey {
  return deps.mitigations["payment-key"] ? keys.authorize(c.checkoutId) : IdempotencyKey(`${c.checkoutId}:auth:${attempt}`);
}

/** Records a successful authorization in the order ledger (idempotent; skipped if the order moved past it). */
export async function recordAuthorization(deps: CheckoutDeps, orderId: OrderId, providerRef: ProviderRef, amount: Money): Promise<void> {
  const { state } = await orderState(deps, orderId);
  if (state.status === "none" || state.authorized) return;
  await appendOrder(deps, orderId, legalNext(state, [{ type: "PaymentAuthorized", providerRef, amount }]));
}

/** Maps a payment result to a step result, recording a success in the order ledger. */
export async function authorizationResult(deps: CheckoutDeps, c: CheckoutContext, r: PaymentResult): Promise<StepResult> {
  switch (r.status) {
    case "succeeded":
      await recordAuthorization(deps, c.orderId, r.providerRef, r.amount);
      return ok({ providerRef: r.providerRef });
    case "declined":
      return result("declined", "payment-declined");
    case "unknown":
      return r.pending === undefined ? result("unknown", "payment-unknown") : result("pending", `payment-${r.pending}`);
  }
}

export const authorize: Step = async (deps, c) => {
  const r = await deps.payments.authorize({ checkoutId: c.checkoutId, orderId: c.orderId, key: authorizeKey(deps, c, c.attempt), amount: totalOf(c) });
  return authorizationResult(deps, c, r);
};

/**
 * Compensation: void the authorization, unless the order was confirmed meanwhile. A refused void
 * (captured) goes to refund. Inventory is the arbiter between this and a completion: the hold is
 * released first (a released hold can never be committed, so no completion can confirm the order
 * behind the void), and a hold found committed means the stock went to this order: the order is
 * completed instead of voided.
 */
export const voidAuthorization: Step = async (deps, c) => {
  const { events, state } = await orderState(deps, c.orderId);
  const checks = deps.mitigations["compensation-check"];
  if (checks && isPaid(state)) return result("paid", "completed-elsewhere");
  // The context and the order ledger may not know the charge (the authorization's answer or its
  // ledger write was lost); the payment ledger may, if a lookup settled the row since: ask it before
  // concluding there is nothing to void (a reconciling read: with reconciliation off, it is not made).
  const known = providerRefOf(c, events);
  const providerRef = known ?? (state.voided || !deps.mitigations.reconciliation ? null : await authorizedRef(deps, c));
  if (providerRef === null || state.voided) return ok();
  if (checks && deps.mitigations.reservation && (await holdWentToOrder(deps, c))) {
    const done = await completeCheckout(deps, { checkoutId: c.checkoutId, orderId: c.orderId, providerRef, amount: totalOf(c) });
    if (done.status === "confirmed" || done.status === "already-confirmed") return result("paid", "completed-elsewhere");
  }
  const r = await deps.payments.void({ checkoutId: c.checkoutId, key: keys.void(c.checkoutId), providerRef, amount: totalOf(c) });
  if (r.status === "unknown") throw new Error(`void ${c.checkoutId}: outcome unknown (${r.reason})`);
  if (r.status === "declined") return result("declined", "void-refused");
  // A charge found only in the payment ledger never reached the order's history: it is told there too.
  const authorized = known === null ? [{ type: "PaymentAuthorized" as const, providerRef, amount: totalOf(c) }] : [];
  await appendOrder(deps, c.orderId, legalNext(state, [...authorized, { type: "PaymentVoided", providerRef }]));
  return ok({ providerRef });
};

/** The charge of this checkout's succeeded authorization, as the payment ledger records it (null: none known). */
async function authorizedRef(deps: CheckoutDeps, c: CheckoutContext): Promise<ProviderRef | null> {
  const rows = await deps.stores.payments.findByCheckout(c.checkoutId);
  return rows.find((r) => r.operation === "authorize" && r.status === "succeeded" && r.providerRef !== null)?.providerRef ?? null;
}

/** Secures the hold before a void: releases it if still held; true when it is (or was just found) committed. */
async function holdWentToOrder(deps: CheckoutDeps, c: CheckoutContext): Promise<boolean> {
  const key = keys.reserve(c.checkoutId);
  const hold = await deps.stores.inventory.get(key);
  if (hold === undefined || hold.status === "released" || hold.status === "expired") return false;
  if (hold.status === "committed") return true;
  if (!deps.mitigations["release-on-failure"]) return false; // the naive chain leaves the hold to lapse
  const r = await deps.stores.inventory.release(key);
  return !r.ok && r.reason === "wrong-status" && r.status === "committed";
}
