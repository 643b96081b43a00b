// Order to inventory: with reserve-after-authorization, payment can succeed for stock that is gone.
// The order must be compensated explicitly (void or backorder), never confirmed without stock.
import type { Scenario } from "../simulator/scenario.ts";

export const paidOrderCannotReserve: Scenario = {
  name: "paid-order-cannot-reserve",
  description: "Reserve after authorization on scarce stock: paid orders get stock or an explicit compensation.",
  boundary: "Order to inventory",
  policy: "reserve-after-authorization",
  invariants: [
    "paid-orders-have-stock", "no-oversell", "no-orphan-payment", "no-charge-on-failure", "no-double-charge", "liveness",
    // conservation laws (issue 18)
    "stock-conserved", "money-reconciles", "events-are-facts",
  ],
  exercises: ["concurrent-last-unit"],
  workload: { buyers: 30, hotSkus: 1, stockPerSku: 4 },
  faults: { "store.latency": 0.1, "provider.latency": 0.1 },
};
