// Goal: a race inside an adapter is reachable when the adapter declares its round trips. The
// read-decide-write reserve (two round trips, `held = read + qty`) oversells in flash-sale and
// no-oversell says so within 20 seeds; the conditional update (one round trip) holds on the same seeds.
import { describe, expect, it } from "vitest";
import { createMemoryStores, directContext, findScenario, runScenario, type StoresFactory } from "../../index.ts";
import { inventoryContract } from "../../adapters/contract/inventory.contract.ts";
import { ConditionalInventory, ReadThenWriteInventory } from "./roundTripInventory.ts";

const readThenWrite: StoresFactory = (clock, sim) => ({ ...createMemoryStores(clock), inventory: new ReadThenWriteInventory({ clock, sim }) });
const conditional: StoresFactory = (clock, sim) => ({ ...createMemoryStores(clock), inventory: new ConditionalInventory({ clock, sim }) });

inventoryContract("examples/own-adapter ConditionalInventory (direct round trips)", (clock) => new ConditionalInventory({ clock, sim: directContext }));

describe("interleaving inside adapters (SimContext.roundTrip)", () => {
  const scenario = findScenario("flash-sale")!;

  it("the read-decide-write reserve is caught by no-oversell within 20 seeds; the conditional update holds on every one", async () => {
    let caughtAt = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const fixed = await runScenario({ scenario, seed, stores: conditional, recordOperations: false });
      expect(fixed.violations.map((v) => v.message), `conditional, seed ${seed}`).toEqual([]);
      if (caughtAt > 0) continue;
      const racy = await runScenario({ scenario, seed, stores: readThenWrite, recordOperations: false });
      if (racy.violations.some((v) => v.invariant === "no-oversell")) caughtAt = seed;
    }
    expect(caughtAt, "seed at which no-oversell caught the lost update").toBeGreaterThan(0);
  });

  it("round trips are scheduled steps in the history, and a run with them is deterministic", async () => {
    const a = await runScenario({ scenario, seed: 2, stores: readThenWrite });
    const b = await runScenario({ scenario, seed: 2, stores: readThenWrite });
    expect(a.history.entries.some((e) => e.process === "db" && e.f === "db.select stock")).toBe(true);
    expect(a.traceHash).toBe(b.traceHash);
  });
});
