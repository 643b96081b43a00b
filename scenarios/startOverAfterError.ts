// After "payment failed" or a page that never answers, real shoppers rebuild the cart and check out
// again under a new checkout id. If the first attempt was in fact charged or placed an order behind
// its failure answer, the buyer pays twice. Each attempt is judged by its own answer.
import type { Scenario } from "../simulator/scenario.ts";

export const startOverAfterError: Scenario = {
  name: "start-over-after-error",
  description: "Buyers told a failure start over with a rebuilt cart under a new id; the first attempt holds no money and no order.",
  boundary: "Order to payment",
  invariants: ["answer-matches-ledger", "sold-orders-keep-their-money", "no-orphan-payment", "no-double-charge", "prompt-release", "one-order-per-checkout", "liveness"],
  exercises: ["started-over-after-failure"],
  workload: { buyers: 20, stockPerSku: 30, declineRate: 0.25, paymentActionRate: 0.1 },
  faults: { "buyer.start-over": 0.8, "provider.response-lost": 0.2, "provider.5xx-after": 0.1, "provider.latency": 0.2, "store.request-lost": 0.03, "coordinator.crash": 0.05 },
};
