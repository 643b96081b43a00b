// The workload `checkout-sim compare` runs under each reservation policy: scarce hot stock, buyers who
// leave at the payment page (a hold taken before payment sits until expiry), slow and declined
// payments, and buyers split on backorders, so the policies' business costs differ. Not in SCENARIOS:
// it measures cost, it is not a correctness case for `run`.
import type { Scenario } from "../simulator/scenario.ts";
import { INVARIANTS } from "../core/invariants/verdict.ts";

export const policyComparison: Scenario = {
  name: "policy-comparison",
  description: "40 buyers, 80% of lines on one hot SKU with 16 units; a fifth leave at the payment page, payments are slow or declined; half accept a backorder.",
  invariants: INVARIANTS,
  workload: { buyers: 40, skus: 3, hotSkus: 1, stockPerSku: 16, arrivalWindowMs: 4000, abandonRate: 0.1, declineRate: 0.15, backorderRate: 0.5 },
  faults: { "buyer.abandon": 0.2, "provider.latency": 0.3, "store.latency": 0.05, "provider.response-lost": 0.03, "buyer.double-submit": 0.1 },
  timing: { holdMs: 3000, providerTimeoutMs: 1000 },
};
