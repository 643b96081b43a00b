// Goal: every checker is shown able to catch its bug. For each mitigation, switching it off makes
// the invariant it protects fail within a stated number of seeds, and the reference (all
// mitigations on) passes those same seeds on every invariant the scenario judges.
import { describe, expect, it } from "vitest";
import { PROTECTS } from "../core/invariants/index.ts";
import type { Mitigation } from "../core/checkout/deps.ts";
import { findScenario } from "../scenarios/index.ts";
import { runScenario } from "./run.ts";

/** The scenario that exercises each mitigation, and how many seeds it may take to catch it. */
const cases: readonly { mitigation: Mitigation; scenario: string; seeds: number }[] = [
  { mitigation: "reservation", scenario: "flash-sale", seeds: 5 },
  { mitigation: "payment-key", scenario: "payment-retry-double-charge", seeds: 5 },
  { mitigation: "checkout-key", scenario: "duplicate-checkout-submission", seeds: 5 },
  { mitigation: "reconciliation", scenario: "payment-succeeds-order-write-fails", seeds: 5 },
  { mitigation: "reservation-expiry", scenario: "reservation-never-converts", seeds: 8 },
  { mitigation: "outbox", scenario: "duplicate-events-downstream", seeds: 8 },
  { mitigation: "consumer-dedupe", scenario: "duplicate-events-downstream", seeds: 5 },
  { mitigation: "reprice", scenario: "price-change-after-add-to-cart", seeds: 5 },
  { mitigation: "compensation-check", scenario: "async-payment-settles-late", seeds: 9 },
  { mitigation: "release-on-failure", scenario: "duplicate-checkout-submission", seeds: 3 },
];

describe("each mitigation protects its invariant", () => {
  for (const c of cases) {
    it(`--disable ${c.mitigation} breaks ${PROTECTS[c.mitigation]} in ${c.scenario} within ${c.seeds} seeds; the reference holds`, async () => {
      const scenario = findScenario(c.scenario)!;
      const invariant = PROTECTS[c.mitigation];
      expect(scenario.invariants).toContain(invariant);
      let caught = 0;
      for (let seed = 1; seed <= c.seeds; seed++) {
        const broken = await runScenario({ scenario, seed, disable: [c.mitigation] });
        if (broken.violations.some((v) => v.invariant === invariant)) caught++;
        const reference = await runScenario({ scenario, seed });
        expect(reference.violations.map((v) => `${v.invariant}: ${v.message}`), `reference, seed ${seed}`).toEqual([]);
      }
      expect(caught, `${invariant} violations with ${c.mitigation} off`).toBeGreaterThan(0);
    });
  }
});
