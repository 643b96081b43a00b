// Goal: the invariants that judge money use the full order total (lines + tax + shipping), and each is
// shown catching a bug in it on simulated runs: a checkout that charges the lines only
// (sold-orders-keep-their-money), an order written without its tax and shipping lines while the card
// is charged the full amount (no-double-charge), and pricing from a catalog replica that lags a tax-rate
// update (catalog-price). The reference holds all three on the same seeds.
import { describe, expect, it } from "vitest";
import { MemoryCatalog } from "../adapters/memory/catalog.ts";
import { createMemoryStores } from "../adapters/memory/index.ts";
import type { Clock } from "../core/clock.ts";
import { checkoutMachine } from "../core/checkout/coordinator.ts";
import type { CheckoutContext } from "../core/checkout/context.ts";
import { STEPS } from "../core/checkout/machine.ts";
import type { Step } from "../core/checkout/steps/common.ts";
import type { InvariantName } from "../core/invariants/verdict.ts";
import { money } from "../core/money.ts";
import type { TaxRate } from "../core/ports/catalog.ts";
import { coordinatorFromMachine } from "./machineCoordinator.ts";
import { runScenario, type RunOptions } from "./run.ts";
import type { Scenario } from "./scenario.ts";

const INVARIANTS: InvariantName[] = ["catalog-price", "no-double-charge", "sold-orders-keep-their-money"];
/** Taxed products in three categories (20 %, 7 %, 0 %) and 4.95 shipping below 50.00: the defaults. */
const taxedCheckouts: Scenario = {
  name: "taxed-checkouts",
  description: "Checkouts of taxed products with shipping, without faults.",
  invariants: INVARIANTS,
  workload: { buyers: 12, stockPerSku: 40, declineRate: 0 },
  faults: {},
};
const SEEDS = [1, 2, 3];

/** The lines' amount alone, as a broken checkout computes it (no tax, no shipping). */
const linesOnly = (c: CheckoutContext) => money((c.lines ?? []).reduce((n, l) => n + l.unitPrice.amount * l.quantity, 0), c.request.currency);

/** Authorizes and captures the lines' amount: the order's tax and shipping are never charged. */
const chargesLinesOnly = coordinatorFromMachine(checkoutMachine("reserve-before-payment"), {
  steps: {
    authorize: ((deps, c) => STEPS.authorize(deps, { ...c, total: linesOnly(c) })) satisfies Step,
    capture: ((deps, c) => STEPS.capture(deps, { ...c, total: linesOnly(c) })) satisfies Step,
  },
});

/** Writes the order without its tax and shipping lines (total = lines) while the card is charged the full total. */
const orderForgetsTaxAndShipping = coordinatorFromMachine(checkoutMachine("reserve-before-payment"), {
  steps: {
    createOrder: ((deps, c) => STEPS.createOrder(deps, { ...c, lines: (c.lines ?? []).map(({ tax: _t, taxRateBps: _r, ...l }) => l), shipping: null, total: linesOnly(c) })) satisfies Step,
  },
});

/** A catalog replica that never applied this year's rate update: it serves last year's rates. */
class LaggingCatalog extends MemoryCatalog {
  private readonly lastYear = new Map([["standard", 1900], ["reduced", 500]]);
  override async setTaxRate(category: string, rateBps: number): Promise<TaxRate> {
    return super.setTaxRate(category, this.lastYear.get(category) ?? rateBps); // acknowledged, not applied
  }
}
const laggingCatalog = (clock: Clock) => ({ ...createMemoryStores(clock), catalog: new LaggingCatalog() });

async function caughtAndHeld(invariant: InvariantName, broken: Partial<RunOptions>): Promise<string> {
  let caught: string | undefined;
  for (const seed of SEEDS) {
    const bad = await runScenario({ scenario: taxedCheckouts, seed, ...broken });
    caught ??= bad.violations.find((v) => v.invariant === invariant)?.message;
    const reference = await runScenario({ scenario: taxedCheckouts, seed });
    expect(reference.violations.map((v) => `${v.invariant}: ${v.message}`), `reference, seed ${seed}`).toEqual([]);
  }
  expect(caught, `${invariant} caught within seeds ${SEEDS.join(", ")}`).toBeDefined();
  return caught!;
}

describe("tax and shipping: the money invariants judge the full total", () => {
  it("the reference charges lines + tax + shipping: every order carries them and its charge equals its total", async () => {
    const r = await runScenario({ scenario: taxedCheckouts, seed: 1 });
    expect(r.violations).toEqual([]);
    const created = Object.values(r.world.orders).map((events) => events[0]!).filter((e) => e.type === "OrderCreated");
    expect(created.length).toBeGreaterThan(0);
    expect(created.some((o) => o.type === "OrderCreated" && o.lines.some((l) => (l.tax?.amount ?? 0) > 0))).toBe(true);
    expect(created.some((o) => o.type === "OrderCreated" && (o.shipping?.amount ?? 0) > 0)).toBe(true);
    for (const o of created) {
      if (o.type !== "OrderCreated") continue;
      const charge = r.world.charges.find((ch) => ch.reference === o.checkoutId);
      if (charge?.status === "captured") expect(charge.capturedAmount).toBe(o.total.amount);
    }
  });

  it("sold-orders-keep-their-money catches a checkout that charges the lines only", async () => {
    expect(await caughtAndHeld("sold-orders-keep-their-money", { coordinator: chargesLinesOnly })).toMatch(/confirmed order .* \(total \d+\) holds \d+ at the provider/);
  });

  it("no-double-charge catches an order written without its tax and shipping while the full total is captured", async () => {
    expect(await caughtAndHeld("no-double-charge", { coordinator: orderForgetsTaxAndShipping })).toMatch(/captured .* > order total/);
  });

  it("catalog-price catches pricing from a catalog replica that lags a tax-rate update", async () => {
    expect(await caughtAndHeld("catalog-price", { stores: laggingCatalog })).toMatch(/taxed at (1900|500) bp, but its category (standard|reduced) was at (2000|700) bp/);
  });
});
