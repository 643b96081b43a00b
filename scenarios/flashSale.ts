// Flash sale: many buyers, one hot SKU, little stock. Inventory contention is where a bare quantity
// column oversells.
import type { Scenario } from "../simulator/scenario.ts";

export const flashSale: Scenario = {
  name: "flash-sale",
  description: "Many concurrent buyers on one hot SKU with little stock; never sell more than was received.",
  invariants: ["no-oversell", "paid-orders-have-stock", "no-double-charge", "one-order-per-checkout", "liveness"],
  exercises: ["concurrent-last-unit"],
  workload: { buyers: 50, skus: 3, hotSkus: 1, stockPerSku: 6, arrivalWindowMs: 1500, abandonRate: 0 },
  faults: { "store.latency": 0.1 },
};
