// The provider's webhook races the storefront's own completion, duplicated and out of order. Both
// complete the checkout through one idempotent path: one order, one charge, a legal ledger.
import type { Scenario } from "../simulator/scenario.ts";

export const webhookRacesStorefront: Scenario = {
  name: "webhook-races-storefront",
  description: "Webhooks arrive duplicated, late and reordered while the storefront completes the same checkout.",
  invariants: ["one-order-per-checkout", "no-double-charge", "no-orphan-payment", "ledger-append-only", "liveness"],
  exercises: ["webhook-before-storefront", "duplicate-webhook-in-flight"],
  workload: { buyers: 20, stockPerSku: 40 },
  faults: { "webhook.duplicate": 0.5, "webhook.concurrent-duplicate": 0.3, "webhook.reorder": 0.5, "webhook.delay": 0.3, "provider.response-lost": 0.2 },
};
