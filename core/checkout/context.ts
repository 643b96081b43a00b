// What a running checkout remembers: plain, serializable data only (no deps, no functions), so a
// persisted machine snapshot is just JSON and a crash loses nothing that recovery needs.
import type { CheckoutId, OrderId, ProviderRef } from "../ids.ts";
import type { Money } from "../money.ts";
import type { OrderLine } from "../ports/orderLedger.ts";
import { keys } from "../ids.ts";
import type { CheckoutOutcome, CheckoutRequest, ReservationPolicy } from "./deps.ts";

export interface CheckoutContext {
  readonly request: CheckoutRequest;
  readonly policy: ReservationPolicy;
  /** The effective checkout id every key is derived from (the client's, unless `checkout-key` is off). */
  readonly checkoutId: CheckoutId;
  readonly orderId: OrderId;
  /** Retries of the current step; reset when the machine moves to another step. */
  readonly attempt: number;
  /** The attempt number of the last authorize call, so reconciliation looks up the key it used. */
  readonly authAttempt: number;
  /** Repriced order lines (with their tax), the order's shipping and its total, set by validation. */
  readonly lines: readonly OrderLine[] | null;
  /** Absent in snapshots written before shipping existed: no shipping. */
  readonly shipping?: Money | null;
  readonly total: Money | null;
  /** A hold exists under keys.reserve (false when `reservation` is off: read-then-sell). */
  readonly reserved: boolean;
  readonly providerRef: ProviderRef | null;
  /** The intended outcome once a failure is known (a compensation chain ends in it), then the final one. */
  readonly outcome: CheckoutOutcome | null;
  readonly reason: string | null;
}

/** Facts a step may add to the context. */
export type ContextPatch = Partial<Pick<CheckoutContext, "lines" | "shipping" | "total" | "reserved" | "providerRef">>;

/**
 * What a step returns. Domain outcomes (out of stock, declined, price changed) are kinds, not
 * exceptions; a thrown error means the step could not run (store unreachable) and is retried.
 */
export type StepKind =
  | "ok"
  /** The request cannot be served as submitted (price changed, unknown SKU). */
  | "rejected"
  | "insufficient"
  | "declined"
  /** Reconciliation found that the provider never received the request: send it again, same key. */
  | "not-found"
  /** The payment outcome is unknown: reconcile by the same key. */
  | "unknown"
  /** The provider holds the payment and waits (3-D Secure by the buyer, or its own settlement): check again later. */
  | "pending"
  /** Another attempt (webhook, earlier incarnation) already confirmed the order: do not compensate. */
  | "paid"
  /** The hold was released or expired before confirmation. */
  | "reservation-lost";

export interface StepResult {
  readonly kind: StepKind;
  readonly reason?: string;
  readonly patch?: ContextPatch;
}

export const ok = (patch?: ContextPatch): StepResult => (patch === undefined ? OK : { kind: "ok", patch });
const OK: StepResult = { kind: "ok" };
export const result = (kind: StepKind, reason?: string): StepResult => (reason === undefined ? { kind } : { kind, reason });

/** Events the outside world may send a running checkout. */
export type CheckoutEvent =
  /** The provider settled the authorization (webhook) while the storefront's call is still out. */
  { readonly type: "payment.settled"; readonly providerRef: ProviderRef };

export interface CheckoutInput {
  readonly request: CheckoutRequest;
  readonly checkoutId: CheckoutId;
  readonly policy: ReservationPolicy;
}

export function initialContext(input: CheckoutInput): CheckoutContext {
  return {
    request: input.request,
    policy: input.policy,
    checkoutId: input.checkoutId,
    orderId: keys.order(input.checkoutId),
    attempt: 0,
    authAttempt: 0,
    lines: null,
    shipping: null,
    total: null,
    reserved: false,
    providerRef: null,
    outcome: null,
    reason: null,
  };
}

/** The checkout's result, as the machine's output and the handle's outcome. */
export interface CheckoutResult {
  readonly outcome: CheckoutOutcome;
  readonly reason?: string;
}
