// The monolith's checkout: one transaction around everything, the payment call inside it, no
// idempotency keys anywhere, the cart's prices taken as they are. Rollback cannot undo a charge.
import { IdempotencyKey, MerchantId } from "../../core/ids.ts";
import type { CheckoutDeps, CheckoutOutcome, CheckoutRequest } from "../../core/checkout/deps.ts";
import { priceCart } from "../../core/pricing.ts";
import type { PaymentProvider, ProviderCharge } from "../../core/ports/paymentProvider.ts";
import type { MonolithDb } from "../../adapters/monolith/monolithDb.ts";
import { mitigationsWithout, MITIGATIONS, type Mitigation, type Mitigations } from "../../core/checkout/deps.ts";
import type { CheckoutHandleLike, Coordinator } from "../coordinator.ts";
import { checkCoordinator } from "../conventions.ts";
import { referenceCoordinator } from "../referenceCoordinator.ts";
import { MERCHANT } from "../runContext.ts";

/**
 * The system under test for an architecture: the split reference (or a team's coordinator) with the
 * mitigations not disabled, or the monolith, which has none of the split design's mitigations (no
 * keys, no reservations, no jobs). Checked against the harness's conventions.
 */
export function systemOf(architecture: string | undefined, disabled: readonly Mitigation[], own?: Coordinator): { mitigations: Mitigations; coordinator: Coordinator } {
  const monolith = architecture === "monolith";
  const coordinator = own ?? (monolith ? createMonolithCoordinator(MERCHANT) : referenceCoordinator);
  checkCoordinator(coordinator);
  return { mitigations: mitigationsWithout(monolith ? MITIGATIONS : disabled), coordinator };
}

/** What a monolith checkout sees: the shared database and the provider, both behind the harness. */
export interface MonolithDeps extends CheckoutDeps {
  readonly provider: PaymentProvider;
  readonly monolith: MonolithDb;
}

export function createMonolithCoordinator(merchantId: MerchantId): Coordinator {
  let requests = 0; // no idempotency keys: every request is new
  const checkout = async (deps: MonolithDeps, request: CheckoutRequest, stopped: () => boolean): Promise<{ outcome: CheckoutOutcome; reason?: string }> => {
    const skus = [...new Set(request.lines.map((l) => l.sku))].sort();
    const tx = await deps.monolith.begin(skus);
    for (const sku of skus) {
      const needed = request.lines.filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0);
      if ((tx.qty[sku] ?? 0) < needed) return { outcome: "rejected", reason: "out-of-stock" };
    }
    // The cart's prices and tax rates as they are (no repricing); shipping by the merchant's rule.
    const amounts = priceCart(request.lines, deps.shipping);
    const total = amounts.total;
    let charge: ProviderCharge | undefined;
    for (let attempt = 1; attempt <= 2 && !charge; attempt++) {
      try {
        const key = IdempotencyKey(`${request.checkoutId}:${++requests}`);
        const res = await deps.provider.authorize(merchantId, key, { amount: { amount: total, currency: request.currency }, reference: request.checkoutId });
        if (res.status === 402) return { outcome: "rejected", reason: "declined" }; // ROLLBACK
        if (res.status === 200) charge = res.body as ProviderCharge;
      } catch {
        // timeout: retry the whole call, with a new request
      }
    }
    if (!charge || stopped()) return { outcome: "rejected", reason: "payment-failed" }; // ROLLBACK: the charge may exist anyway
    const order = await deps.monolith.commit(tx, {
      checkoutId: request.checkoutId,
      buyerId: request.buyerId,
      status: "paid",
      total,
      lines: request.lines.map((l, i) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.priceSnapshot.amount, priceVersion: l.priceVersion, ...(l.taxRateBps === undefined ? {} : { taxRateBps: l.taxRateBps, tax: amounts.lineTaxes[i]! }) })),
      shipping: amounts.shipping,
      chargeId: charge.id,
    });
    await deps.monolith.setStatus(order.id, "confirmed");
    return { outcome: "confirmed" };
  };

  return {
    async submit(deps, request) {
      let stopped = false;
      const outcome = checkout(deps as MonolithDeps, request, () => stopped).catch(() => ({ outcome: "rejected" as const, reason: "error" }));
      const handle: CheckoutHandleLike = { checkoutId: request.checkoutId, outcome, stop: () => void (stopped = true) };
      return handle;
    },
    resume(_deps, command) {
      // No durable checkout state: a crash loses the transaction; the buyer may try again.
      return { checkoutId: command.checkoutId, outcome: new Promise(() => undefined), stop: () => undefined };
    },
    async handleWebhook() {
      return undefined; // the monolith ignores webhooks: it believed the synchronous answer
    },
  };
}
