// The provider's webhooks in a storm: every event delivered several times, copies arriving while the
// first is still being handled (a sender that timed out retries at once), late and reordered. The
// handler must acknowledge every event (a refusal is redelivered, then given up), complete each order
// once, and never publish a second "order completed" for a copy: downstream, one email per order.
import type { Scenario } from "../simulator/scenario.ts";

export const webhookStorm: Scenario = {
  name: "webhook-storm",
  description: "Concurrent and repeated webhook copies; each order completes once and every webhook is acknowledged.",
  boundary: "Payment provider to order (webhooks)",
  invariants: ["webhooks-acknowledged", "one-completion-per-order", "one-order-per-checkout", "sold-orders-keep-their-money", "answer-matches-ledger", "effects-once", "effects-at-least-once", "ledger-append-only", "liveness"],
  exercises: ["duplicate-webhook-in-flight"],
  workload: { buyers: 20, stockPerSku: 40, processingRate: 0.3, paymentActionRate: 0.2 },
  faults: { "webhook.concurrent-duplicate": 0.6, "webhook.duplicate": 0.6, "webhook.reorder": 0.3, "webhook.delay": 0.2, "provider.response-lost": 0.15, "store.latency": 0.1 },
};
