// Payment to order: a timeout between checkout and provider must not become a second charge. Retries
// reuse the idempotency key; the provider replays the first result.
import type { Scenario } from "../simulator/scenario.ts";

export const paymentRetryDoubleCharge: Scenario = {
  name: "payment-retry-double-charge",
  description: "Lost provider responses and 5xx after processing force retries; still at most one authorization per checkout.",
  boundary: "Payment to order",
  invariants: ["no-double-charge", "no-orphan-payment", "liveness"],
  exercises: ["answer-lost-after-effect"],
  workload: { buyers: 20, stockPerSku: 40 },
  faults: { "provider.response-lost": 0.35, "provider.5xx-after": 0.15, "provider.5xx-before": 0.1, "provider.latency": 0.1 },
};
