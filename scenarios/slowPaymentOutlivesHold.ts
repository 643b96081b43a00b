// A slow payment outlives the reservation hold: the hold expires and its stock is sold again while
// the first buyer's payment is still in flight. Confirmation must not sell what is no longer held.
import type { Scenario } from "../simulator/scenario.ts";

export const slowPaymentOutlivesHold: Scenario = {
  name: "slow-payment-outlives-hold",
  description: "Provider latency longer than the reservation hold, with clock jumps; no oversell, no orphan charge.",
  invariants: ["no-oversell", "paid-orders-have-stock", "no-orphan-payment", "no-double-charge", "liveness"],
  exercises: ["hold-expired-during-payment"],
  workload: { buyers: 30, hotSkus: 1, stockPerSku: 8 },
  faults: { "provider.latency": 0.5, "clock.jump": 0.2 },
  timing: { holdMs: 600, providerTimeoutMs: 1000 },
};
