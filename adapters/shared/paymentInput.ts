// Validation of payment-ledger input, shared by every engine: a bad key, amount or status is refused
// with the same InvalidInput everywhere, before anything is written.
import { InvalidInput } from "../../core/errors.ts";
import type { CheckoutId, IdempotencyKey, MerchantId, OrderId, ProviderRef } from "../../core/ids.ts";
import { money } from "../../core/money.ts";
import type { BeginPayment, PaymentOperation, PaymentOutcome, PaymentStatus, ReconciliationState } from "../../core/ports/paymentLedger.ts";
import { requireKey } from "../../core/validate.ts";

const OPERATIONS: readonly PaymentOperation[] = ["authorize", "capture", "void", "refund"];
const STATUSES: readonly PaymentStatus[] = ["pending", "succeeded", "failed", "unknown"];
const RECONCILIATION: readonly ReconciliationState[] = ["none", "needed", "reconciled"];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value))
    throw new InvalidInput({ field, message: `${field} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}` });
  return value as T;
}

export function paymentKey(merchantId: unknown, key: unknown): { merchantId: MerchantId; key: IdempotencyKey } {
  return { merchantId: requireKey(merchantId, "merchantId") as MerchantId, key: requireKey(key, "key") as IdempotencyKey };
}

/** A validated, frozen copy of a begin request. */
export function beginPayment(input: BeginPayment): BeginPayment {
  const { merchantId, key } = paymentKey(input.merchantId, input.key);
  const amount = input.amount as { amount?: unknown; currency?: unknown } | null | undefined;
  if (typeof amount !== "object" || amount === null || typeof amount.amount !== "number")
    throw new InvalidInput({ field: "amount", message: `amount must be Money with an integer number of minor units` });
  return Object.freeze({
    merchantId,
    key,
    operation: oneOf(input.operation, OPERATIONS, "operation"),
    requestHash: requireKey(input.requestHash, "requestHash"),
    amount: Object.freeze(money(amount.amount, String(amount.currency))),
    checkoutId: requireKey(input.checkoutId, "checkoutId") as CheckoutId,
    orderId: input.orderId === null ? null : (requireKey(input.orderId, "orderId") as OrderId),
  });
}

/** A validated outcome; absent optional fields stay absent (they keep the stored values). */
export function paymentOutcome(outcome: PaymentOutcome): PaymentOutcome {
  const out: { status: PaymentStatus; providerRef?: ProviderRef | null; response?: string | null; reconciliation?: ReconciliationState } = {
    status: oneOf(outcome.status, STATUSES, "status"),
  };
  if (outcome.providerRef !== undefined) out.providerRef = outcome.providerRef === null ? null : (requireKey(outcome.providerRef, "providerRef") as ProviderRef);
  if (outcome.response !== undefined) {
    if (outcome.response !== null && typeof outcome.response !== "string") throw new InvalidInput({ field: "response", message: "response must be a string or null" });
    out.response = outcome.response;
  }
  if (outcome.reconciliation !== undefined) out.reconciliation = oneOf(outcome.reconciliation, RECONCILIATION, "reconciliation");
  return out;
}

/** Whether a row belongs in the reconciliation queue. */
export const needsReconciliation = (r: { status: PaymentStatus; reconciliation: ReconciliationState }): boolean =>
  r.status === "pending" || r.status === "unknown" || r.reconciliation === "needed";
