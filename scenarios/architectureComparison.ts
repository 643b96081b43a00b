// The workload `checkout-sim compare --architectures` runs against the monolith baseline and the split
// reference, live: buyers who browse and fill carts (a third leave with a full cart), scarce stock on one
// hot SKU, and, in the faulted run, the payment faults and double clicks the seed's failure modes 4 and 5
// are about. No crashes, clock jumps or price changes: they would blur the latency comparison and the
// monolith has no recovery to judge. Not in SCENARIOS: it measures cost, it is not a correctness case.
import type { Scenario } from "../simulator/scenario.ts";
import { INVARIANTS } from "../core/invariants/verdict.ts";

export const architectureComparison: Scenario = {
  name: "architecture-comparison",
  description: "buyers fill carts (a third abandon them), 80% of lines on one hot SKU with 30 units; faulted runs lose payment answers, slow the provider and double-click.",
  invariants: INVARIANTS,
  workload: { buyers: 60, skus: 6, hotSkus: 1, stockPerSku: 30, linesMax: 2, quantityMax: 2, abandonRate: 0.3, declineRate: 0.05, buyerRetries: 1 },
  faults: { "provider.response-lost": 0.15, "provider.latency": 0.3, "buyer.double-submit": 0.15 },
  timing: { holdMs: 2000, providerTimeoutMs: 1000, livenessMs: 30000 },
};
