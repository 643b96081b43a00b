// Goal: the checkers that no mitigation switch reaches are still shown able to fail: a deliberately
// broken ledger adapter (rewrites history) trips ledger-append-only, a coordinator without timeouts
// trips liveness, and shrinking a known bug yields a small counterexample.
import { describe, expect, it } from "vitest";
import type { Stores } from "../core/ports/index.ts";
import type { OrderEvent, OrderLedger } from "../core/ports/orderLedger.ts";
import type { Clock } from "../core/clock.ts";
import { createMemoryStores } from "../adapters/memory/index.ts";
import { findScenario } from "../scenarios/index.ts";
import type { Coordinator } from "./coordinator.ts";
import { runScenario } from "./run.ts";
import { counterexample, shrink } from "./shrink.ts";
import { referenceCoordinator } from "./referenceCoordinator.ts";

/** A ledger that "corrects" totals in place when read back: history is mutated. */
function mutatingLedger(inner: OrderLedger): OrderLedger {
  return {
    append: (o, e) => inner.append(o, e),
    findByCheckout: (c) => inner.findByCheckout(c),
    orderIds: () => inner.orderIds(),
    pendingOutbox: (n) => inner.pendingOutbox(n),
    markPublished: (ids, at) => inner.markPublished(ids, at),
    events: async (orderId) =>
      (await inner.events(orderId)).map((e): OrderEvent => (e.type === "OrderCreated" ? { ...e, total: { ...e.total, amount: e.total.amount + 1 } } : e)),
  };
}

describe("checkers catch broken implementations", () => {
  it("ledger-append-only: a ledger adapter that rewrites history is caught", async () => {
    const scenario = findScenario("duplicate-events-downstream")!;
    const stores = (clock: Clock): Stores => {
      const s = createMemoryStores(clock);
      return { ...s, orders: mutatingLedger(s.orders) };
    };
    const result = await runScenario({ scenario, seed: 1, stores, faults: {} });
    expect(result.violations.some((v) => v.invariant === "ledger-append-only")).toBe(true);
    const honest = await runScenario({ scenario, seed: 1, faults: {} });
    expect(honest.violations).toEqual([]);
  });

  it("liveness: a coordinator without timeouts leaves checkouts running forever", async () => {
    // Records the command, asks for stock, and waits: a lost answer is never retried or given up.
    const naive: Coordinator = {
      async submit(deps, request) {
        await deps.stores.commands.submit({ checkoutId: request.checkoutId, buyerId: request.buyerId, requestHash: "naive", request: "{}" });
        const outcome = new Promise<{ outcome: "confirmed" }>(() => undefined);
        return { checkoutId: request.checkoutId, outcome, stop: () => undefined };
      },
      resume: (_deps, command) => ({ checkoutId: command.checkoutId, outcome: new Promise(() => undefined), stop: () => undefined }),
      handleWebhook: referenceCoordinator.handleWebhook,
    };
    const scenario = findScenario("coordinator-crash")!;
    const result = await runScenario({ scenario, seed: 1, coordinator: naive });
    expect(result.violations.some((v) => v.invariant === "liveness")).toBe(true);
  });

  it("shrinking a double-submit bug yields at most 3 buyers and a counterexample of at most 40 steps", async () => {
    const scenario = findScenario("duplicate-checkout-submission")!;
    let failing;
    let seed = 1;
    for (; seed <= 10; seed++) {
      failing = await runScenario({ scenario, seed, disable: ["checkout-key"] });
      if (failing.violations.some((v) => v.invariant === "one-order-per-checkout")) break;
    }
    expect(failing!.violations.some((v) => v.invariant === "one-order-per-checkout")).toBe(true);
    const shrunk = await shrink({ scenario, seed, disable: ["checkout-key"] }, "one-order-per-checkout", failing!, { triesMax: 40 });
    expect(shrunk.result.violations.some((v) => v.invariant === "one-order-per-checkout")).toBe(true);
    expect(shrunk.options.workload?.buyers ?? 20).toBeLessThanOrEqual(3);
    const steps = counterexample(shrunk.result, "one-order-per-checkout");
    expect(steps.length).toBeLessThanOrEqual(42);
    expect(steps.at(-1)).toMatch(/one-order-per-checkout violated/);
  });
});
