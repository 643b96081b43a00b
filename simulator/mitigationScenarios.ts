// Which scenario exercises each `--disable` switch, and within how many seeds it must be caught:
// shared by the mitigation tests and the 15-step counterexample test so they judge the same runs.
import type { Mitigation } from "../core/checkout/deps.ts";

export const MITIGATION_SCENARIOS: Readonly<Partial<Record<Mitigation, { readonly scenario: string; readonly seeds: number }>>> = {
  reservation: { scenario: "flash-sale", seeds: 5 },
  "payment-key": { scenario: "payment-retry-double-charge", seeds: 5 },
  "checkout-key": { scenario: "duplicate-checkout-submission", seeds: 5 },
  reconciliation: { scenario: "payment-succeeds-order-write-fails", seeds: 5 },
  "reservation-expiry": { scenario: "reservation-never-converts", seeds: 8 },
  outbox: { scenario: "duplicate-events-downstream", seeds: 8 },
  "consumer-dedupe": { scenario: "duplicate-events-downstream", seeds: 5 },
  reprice: { scenario: "price-change-after-add-to-cart", seeds: 5 },
  "release-on-failure": { scenario: "duplicate-checkout-submission", seeds: 3 },
  "compensation-check": { scenario: "compensation-races-webhook", seeds: 5 },
};

/**
 * Switches no built-in scenario provokes within 30 seeds yet, each with why. The tests require every
 * switch to be in exactly one of the two tables, so a new switch needs a scenario or a stated reason.
 */
export const NOT_YET_PROVOKED: Readonly<Partial<Record<Mitigation, string>>> = {};
