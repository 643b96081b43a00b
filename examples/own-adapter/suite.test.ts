// Goal: a team puts the harness in its own vitest suite with `checkout-sim/vitest`: its adapter gets
// one test per scenario x seed, and the same helper fails a broken adapter with the shrunk
// counterexample and the replay (a helper that could never fail would prove nothing).
import { describe, expect, it } from "vitest";
import { CheckoutViolation, checkoutCases, checkoutSuite } from "checkout-sim/vitest";
import { findScenario, runScenario } from "../../index.ts";
import { ourStores } from "./run.ts";

// What a team writes: its adapter against two scenarios, two seeds each (four tests below).
checkoutSuite({ name: "OurInventory via checkout-sim/vitest", stores: ourStores(), scenarios: ["flash-sale", "coordinator-crash"], seeds: 2 });

// A known-broken adapter kept as proof that the checkers catch its bug.
checkoutSuite({ name: "BrokenInventory is caught", stores: ourStores(true), scenarios: ["flash-sale"], seeds: [1], expect: "violation" });

describe("checkout-sim/vitest", () => {
  it("names one case per scenario x seed, and a seed count means seeds 1..N", () => {
    const cases = checkoutCases({ scenarios: ["flash-sale", findScenario("coordinator-crash")!], seeds: 2 });
    expect(cases.map((c) => c.name)).toEqual(["flash-sale seed 1", "flash-sale seed 2", "coordinator-crash seed 1", "coordinator-crash seed 2"]);
    expect(cases.every((c) => c.options.stores === undefined)).toBe(true);
  });

  it("fails a broken adapter with the shrunk counterexample and a replay that reproduces it", async () => {
    const [flashSale] = checkoutCases({ stores: ourStores(true), scenarios: ["flash-sale"], seeds: [1], shrinkTriesMax: 20 });
    const error: unknown = await flashSale!.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CheckoutViolation);
    const violation = error as CheckoutViolation;
    const message = violation.message;
    expect(message).toMatch(/^flash-sale seed 1: no-oversell violated: /);
    expect(message).toMatch(/\nshrunk counterexample \(\d+ buyers, faults: [^)]*\):\n 1\. /);
    expect(message).toMatch(/\n=> no-oversell violated: .*units sold in \d+ orders, only \d+ received/);
    expect(message).toMatch(/\nreplay: npx checkout-sim replay flash-sale --seed 1 .*# with your own stores/);
    const shrunk = violation.shrunk!;
    expect(shrunk.options.workload?.buyers ?? 50).toBeLessThan(findScenario("flash-sale")!.workload!.buyers!);
    expect(message).toContain(`gives trace ${shrunk.result.traceHash}`);
    // The shrunk options, replayed with the same stores, give the same trace and the same failure.
    const again = await runScenario(shrunk.options);
    expect(again.traceHash).toBe(shrunk.result.traceHash);
    expect(again.violations.some((v) => v.invariant === "no-oversell")).toBe(true);
  });

  it("fails an expect: violation case when every invariant holds", async () => {
    const [c] = checkoutCases({ stores: ourStores(), scenarios: ["flash-sale"], seeds: [1], expect: "violation" });
    await expect(c!.run()).rejects.toThrow(/flash-sale seed 1: expected a violation, but every invariant held/);
  });

  it("refuses bad arguments before registering anything", () => {
    expect(() => checkoutCases({ scenarios: ["no-such-scenario"], seeds: 1 })).toThrow(/unknown scenario "no-such-scenario"/);
    expect(() => checkoutCases({ scenarios: [], seeds: 1 })).toThrow(/at least one scenario/);
    expect(() => checkoutCases({ scenarios: ["flash-sale"], seeds: 0 })).toThrow(/seeds must be/);
    expect(() => checkoutCases({ scenarios: ["flash-sale"], seeds: [1, -2] })).toThrow(/non-negative integer, got -2/);
  });
});
