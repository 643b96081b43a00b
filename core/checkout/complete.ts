// The one idempotent completion path. The storefront's checkout (the machine's confirm step) and the
// provider's webhooks (at least once, out of order, for days) both end here, so a checkout completes
// once however many times and in whatever order they arrive. A transition into the state the order is
// already in is a no-op; stock is committed before the order is confirmed, and inventory refuses to
// commit a hold a compensation already released (that race has exactly one winner).
import { keys } from "../ids.ts";
import type { CheckoutId, OrderId, ProviderRef } from "../ids.ts";
import type { Money } from "../money.ts";
import type { OrderEventBody } from "../ports/orderLedger.ts";
import type { WebhookEvent } from "../ports/paymentProvider.ts";
import type { CheckoutDeps } from "./deps.ts";
import { appendOrder, isPaid, legalNext, orderState } from "./steps/common.ts";

export interface CompletionInput {
  readonly checkoutId: CheckoutId;
  readonly orderId: OrderId;
  readonly providerRef: ProviderRef;
  readonly amount: Money;
}

export type CompletionStatus =
  | "confirmed"
  /** Nothing to do: the order was confirmed before (by the other path or an earlier attempt). */
  | "already-confirmed"
  /** The payment is recorded but stock is not reserved yet (reserve-after-authorization, async): the checkout confirms later. */
  | "awaiting-stock"
  /** The hold was released or expired first: the payment must be voided by the checkout's compensation. */
  | "reservation-lost"
  /** The order was cancelled (compensated): the charge is an orphan for reconciliation to void. */
  | "cancelled"
  | "unknown-order";

export interface CompletionResult {
  readonly status: CompletionStatus;
}

const done = (status: CompletionStatus): CompletionResult => ({ status });

/** Records the authorization, commits the hold and confirms the order; idempotent end to end. */
export async function completeCheckout(deps: CheckoutDeps, input: CompletionInput): Promise<CompletionResult> {
  const { checkoutId, orderId, providerRef, amount } = input;
  const { state } = await orderState(deps, orderId);
  if (state.status === "none") return done("unknown-order");
  if (isPaid(state)) return done("already-confirmed");
  if (state.status === "cancelled" || state.status === "refunded" || state.voided) return done("cancelled");

  // The authorization is recorded first: it is legal now, and any later void needs it in the ledger.
  const authorized: OrderEventBody[] = state.authorized ? [] : [{ type: "PaymentAuthorized", providerRef, amount }];
  const holdKey = keys.reserve(checkoutId);
  const bodies: OrderEventBody[] = [...authorized];
  if (deps.mitigations.reservation) {
    const hold = await deps.stores.inventory.get(holdKey);
    if (hold === undefined) {
      await appendOrder(deps, orderId, legalNext(state, authorized));
      return done("awaiting-stock");
    }
    if (hold.status === "held") {
      await appendOrder(deps, orderId, legalNext(state, authorized));
      const committed = await deps.stores.inventory.commit(holdKey);
      if (!committed.ok) return done("reservation-lost");
    } else if (hold.status !== "committed") {
      await appendOrder(deps, orderId, legalNext(state, authorized));
      return done("reservation-lost");
    }
    if (!state.inventoryReserved) bodies.push({ type: "InventoryReserved", reservationKey: holdKey });
  }
  bodies.push({ type: "OrderConfirmed" });
  // Appending the authorization twice is harmless: its event id is derived, so the ledger skips it.
  await appendOrder(deps, orderId, bodies);
  return done("confirmed");
}

export interface WebhookResult {
  readonly status: CompletionStatus | "ignored";
}

/**
 * The provider's webhook: `charge.authorized` completes the checkout named by the charge's reference
 * through the same path as the storefront. Other event types are for reconciliation, not completion.
 */
export async function handlePaymentWebhook(deps: CheckoutDeps, event: WebhookEvent): Promise<WebhookResult> {
  if (event.type !== "charge.authorized" || event.merchantId !== deps.merchantId) return { status: "ignored" };
  const checkoutId = event.reference as CheckoutId;
  const orderId = await deps.stores.orders.findByCheckout(checkoutId);
  if (orderId === undefined) return done("unknown-order");
  return completeCheckout(deps, { checkoutId, orderId, providerRef: event.chargeId, amount: event.amount });
}
