// The storefront gives up on a payment the webhook has already completed. The provider charges, but
// its answers to the storefront are lost (an API edge in trouble) while its webhooks arrive promptly
// over their own healthy pipeline. The storefront cannot learn the authorization's outcome, runs out of
// lookups and compensates (release the hold, void, cancel), while the webhook's completion has already
// committed the stock and confirmed the order: "compensation of a paid order", a real incident class in
// open-source checkouts. A compensation must re-read the order first (`compensation-check`); without
// that, the merchant ships an order whose authorization it voided.
import type { Scenario } from "../simulator/scenario.ts";

export const compensationRacesWebhook: Scenario = {
  name: "compensation-races-webhook",
  description: "Provider answers are lost while its webhooks arrive promptly: the storefront compensates orders the webhook already confirmed.",
  boundary: "Payment to order (compensation vs webhook completion)",
  invariants: [
    "sold-orders-keep-their-money", "answer-matches-ledger", "no-orphan-payment", "no-double-charge", "one-order-per-checkout", "paid-orders-have-stock",
    "prompt-release", "webhooks-acknowledged", "one-completion-per-order", "liveness", "stock-conserved", "money-reconciles",
  ],
  exercises: ["compensation-after-webhook-confirmed"],
  workload: { buyers: 20, stockPerSku: 40 },
  faults: { "provider.response-lost": 0.8, "provider.5xx-after": 0.1 },
};
