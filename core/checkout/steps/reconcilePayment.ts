// Step: find out what happened to an authorization whose response was lost. It asks the payment
// service to look the *same* key up at the provider; it never retries with a new key. With the
// `reconciliation` mitigation off it does not look: unknown is taken as declined (an orphan risk).
import type { TransitionContract } from "../contract.ts";
import { result } from "../context.ts";
import type { Step } from "./common.ts";
import { authorizationResult, authorizeKey } from "./authorize.ts";

export const reconcileContract: TransitionContract = {
  owner: "payment-ledger",
  idempotencyKey: "${checkoutId}:auth (the key the authorization used; never a new one)",
  timeoutMs: 5_000,
  retry: { max: 5, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "payments.reconcile(${checkoutId}:auth) = provider.searchByKey; the background job retries rows still unknown",
  customerFallback: "\"payment is being confirmed, we will email you\"",
};

/** A payment the provider holds (3-D Secure, processing) is looked up again every few seconds, a bounded number of times. */
export const awaitPaymentContract: TransitionContract = {
  owner: "provider",
  idempotencyKey: "${checkoutId}:auth (the same authorization, looked up again)",
  timeoutMs: 2_000,
  retry: { max: 5, backoff: "every 2 s", sameKey: true },
  reconciliation: "payments.reconcile(${checkoutId}:auth); the payment webhook settles it first when it comes",
  customerFallback: "\"confirm the payment with your bank\" (3-D Secure), or \"payment processing\"",
};

export const reconcilePayment: Step = async (deps, c) => {
  if (!deps.mitigations.reconciliation) return result("declined", "payment-unknown-not-reconciled");
  // Without a stable key there is nothing to look up: the naive client just tries again, under a new key.
  if (!deps.mitigations["payment-key"]) return result("not-found", "payment-retried-without-key");
  const r = await deps.payments.reconcile(authorizeKey(deps, c, c.authAttempt));
  if (r.status === "declined" && r.reason.startsWith("not_found:")) return result("not-found", "payment-never-reached-provider");
  return authorizationResult(deps, c, r);
};
