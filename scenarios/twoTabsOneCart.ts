// The same cart checked out twice at once from two tabs, under two checkout ids (the storefront
// cannot tell them apart from two purchases). Each checkout stands or falls on its own: two orders
// are two answers, each matching the ledgers; stock is never sold twice over and no hold outlives a
// tab that failed.
import type { Scenario } from "../simulator/scenario.ts";

export const twoTabsOneCart: Scenario = {
  name: "two-tabs-one-cart",
  description: "One cart checked out from two tabs at once under two checkout ids; each answer matches the ledgers.",
  boundary: "Cart to order",
  invariants: ["answer-matches-ledger", "one-order-per-checkout", "no-oversell", "no-double-charge", "sold-orders-keep-their-money", "prompt-release", "no-leaked-reservation", "liveness"],
  exercises: ["two-checkouts-in-flight"],
  workload: { buyers: 20, skus: 4, hotSkus: 1, stockPerSku: 8 },
  faults: { "buyer.second-tab": 0.6, "buyer.double-submit": 0.2, "store.latency": 0.2, "store.response-lost": 0.03 },
};
