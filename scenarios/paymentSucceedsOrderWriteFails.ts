// Order to payment: the charge succeeds but the answer or the next order write is lost. The payment
// ledger and reconciliation by key must tie the charge to an order or void it.
import type { Scenario } from "../simulator/scenario.ts";

export const paymentSucceedsOrderWriteFails: Scenario = {
  name: "payment-succeeds-order-write-fails",
  description: "Charges succeed while answers and order writes are lost; every charge ends tied to an order or voided.",
  boundary: "Order to payment",
  invariants: ["no-orphan-payment", "no-double-charge", "one-order-per-checkout", "liveness"],
  exercises: ["answer-lost-after-effect", "order-write-failed-after-payment"],
  workload: { buyers: 20, stockPerSku: 40 },
  faults: { "provider.response-lost": 0.3, "provider.connection-reset": 0.15, "provider.5xx-after": 0.1, "store.request-lost": 0.05 },
};
