// Step: reserve stock (inventory owns stock truth), and beside it its compensation, release. The
// hold is keyed by `${checkoutId}:reserve`, so a retried or duplicated reserve returns the same hold.
// Release is also the arbiter between a compensation and a completion racing on the same checkout:
// inventory refuses to release a committed hold, and refuses to commit a released one.
import { keys } from "../../ids.ts";
import { available } from "../../ports/inventory.ts";
import type { TransitionContract } from "../contract.ts";
import { ok, result } from "../context.ts";
import type { Step } from "./common.ts";
import { isPaid, orderState } from "./common.ts";

export const reserveContract: TransitionContract = {
  owner: "inventory",
  idempotencyKey: "${checkoutId}:reserve",
  timeoutMs: 2_000,
  retry: { max: 3, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "inventory.findByCheckout(checkoutId) / inventory.get(${checkoutId}:reserve)",
  customerFallback: "out of stock: remove the item or lower the quantity",
};

export const releaseContract: TransitionContract = {
  owner: "inventory",
  idempotencyKey: "${checkoutId}:reserve",
  timeoutMs: 2_000,
  retry: { max: 2, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "inventory.get(${checkoutId}:reserve) status; orders.events(orderId) for a confirmation that won",
  customerFallback: "nothing: the hold lapses at expiresAt anyway (reservation-expiry sweep)",
};

export const reserve: Step = async (deps, c) => {
  const inventory = deps.stores.inventory;
  const lines = (c.lines ?? c.request.lines).map((l) => ({ sku: l.sku, location: deps.location, quantity: l.quantity }));
  if (!deps.mitigations.reservation) {
    // Read-then-sell: check the level and hold nothing; two buyers can both pass this check.
    const wanted = new Map<string, number>();
    for (const l of lines) wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
    for (const l of lines) {
      const level = await inventory.level(l.sku, l.location);
      if (available(level) < (wanted.get(l.sku) ?? 0)) return result("insufficient", "insufficient-stock");
    }
    return ok({ reserved: false });
  }
  const r = await inventory.reserve({ key: keys.reserve(c.checkoutId), checkoutId: c.checkoutId, lines, expiresAt: deps.clock.now() + deps.holdMs });
  if (!r.ok) return result("insufficient", "insufficient-stock");
  // A retry after our own hold lapsed finds it released/expired under the same key: the stock is gone.
  if (r.reservation.status === "released" || r.reservation.status === "expired") return result("insufficient", "reservation-expired");
  return ok({ reserved: true });
};

/** Compensation: release the hold, unless the order was confirmed meanwhile (then it is not ours to undo). */
export const releaseReservation: Step = async (deps, c) => {
  if (isPaid((await orderState(deps, c.orderId)).state)) return result("paid", "completed-elsewhere");
  if (!deps.mitigations.reservation) return ok();
  const r = await deps.stores.inventory.release(keys.reserve(c.checkoutId));
  if (!r.ok && r.reason === "wrong-status" && r.status === "committed") return result("paid", "completed-elsewhere");
  return ok({ reserved: false });
};
