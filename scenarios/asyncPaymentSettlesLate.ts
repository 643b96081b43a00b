// Asynchronous payments: the provider answers `processing` and settles minutes later by webhook
// (bank transfers, some wallets), or asks the buyer to confirm with their bank (3-D Secure). The
// storefront stops waiting before some settle; the webhook and the storefront's own unwinding then
// race on the same checkout. A processing payment that later fails must leave no order confirmed and
// no stock committed; one that succeeds after the storefront gave up must not be voided behind an
// order it completed, and the buyer's answer must match what the ledgers end up holding. Holds (8 s)
// are shorter than settlement (10 s), so a hold lapses while its buyer still waits on the provider.
import type { Scenario } from "../simulator/scenario.ts";

export const asyncPaymentSettlesLate: Scenario = {
  name: "async-payment-settles-late",
  description: "Payments settle late by webhook (processing) or wait for 3-D Secure; storefront give-up races the settlement.",
  boundary: "Payment to order (asynchronous settlement)",
  invariants: ["answer-matches-ledger", "sold-orders-keep-their-money", "no-orphan-payment", "no-double-charge", "paid-orders-have-stock", "prompt-release", "webhooks-acknowledged", "one-order-per-checkout", "liveness"],
  exercises: ["hold-expired-during-payment"],
  workload: { buyers: 20, stockPerSku: 40, processingRate: 0.6, processingMs: 10_000, paymentActionRate: 0.2, declineRate: 0.2, abandonRate: 0 },
  timing: { holdMs: 8_000 },
  faults: { "store.latency": 0.3, "webhook.duplicate": 0.3, "webhook.delay": 0.2 },
};
