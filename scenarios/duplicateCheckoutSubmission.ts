// Cart to order: the buyer double-clicks or the mobile app retries the same submission. The
// checkout idempotency key (a persisted command record) must yield one order.
import type { Scenario } from "../simulator/scenario.ts";

export const duplicateCheckoutSubmission: Scenario = {
  name: "duplicate-checkout-submission",
  description: "Double clicks and client retries resubmit the same checkout; exactly one order per checkout id.",
  boundary: "Cart to order",
  invariants: ["one-order-per-checkout", "no-double-charge", "no-oversell", "liveness"],
  exercises: ["double-submit-in-flight"],
  workload: { buyers: 20, stockPerSku: 40 },
  faults: { "buyer.double-submit": 0.6, "store.response-lost": 0.03, "store.latency": 0.1 },
};
