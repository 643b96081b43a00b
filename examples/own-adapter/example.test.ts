// Goal: the worked example of the public API does what its README promises: the team's adapter
// meets the inventory contract and holds every invariant on the example's seeds, the broken variant
// is caught (no-oversell) within those seeds and shrunk, and the printed replay reproduces the run.
import { describe, expect, it } from "vitest";
// The contract suite is not (yet) a public export; a team would run it the same way.
import { inventoryContract } from "../../adapters/contract/inventory.contract.ts";
import { findScenario, runScenario } from "../../index.ts";
import { OurInventory } from "./ourInventory.ts";
import { EXAMPLE_SCENARIOS, EXAMPLE_SEEDS, main, ourStores, runExample } from "./run.ts";

const quiet = () => undefined;

inventoryContract("examples/own-adapter OurInventory", (clock) => new OurInventory({ clock }));

describe("examples/own-adapter", () => {
  it("the team's adapter holds every invariant on flash-sale and coordinator-crash, seeds 1..5", async () => {
    const result = await runExample({ log: quiet });
    expect(result.runs).toHaveLength(EXAMPLE_SCENARIOS.length * EXAMPLE_SEEDS.length);
    for (const { result: r } of result.runs) expect({ scenario: r.scenario, seed: r.seed, violations: r.violations }).toEqual({ scenario: r.scenario, seed: r.seed, violations: [] });
    expect(result.runs.every((r) => r.result.check.valid === true)).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.shrunk).toBeUndefined();
  });

  it("answers like the built-in memory inventory: same scenario and seed, same trace hash (differential check)", async () => {
    for (const name of EXAMPLE_SCENARIOS) {
      const scenario = findScenario(name)!;
      const ours = await runScenario({ scenario, seed: 1, stores: ourStores() });
      const builtIn = await runScenario({ scenario, seed: 1, stores: "memory" });
      expect(ours.traceHash, name).toBe(builtIn.traceHash);
    }
    const broken = await runScenario({ scenario: findScenario("flash-sale")!, seed: 1, stores: ourStores(true) });
    expect(broken.traceHash).not.toBe((await runScenario({ scenario: findScenario("flash-sale")!, seed: 1 })).traceHash);
  });

  it("the broken adapter oversells and is caught within seeds 1..5, then shrunk to a small counterexample", async () => {
    const lines: string[] = [];
    const result = await runExample({ broken: true, log: (l) => lines.push(l) });
    expect(result.exitCode).toBe(1);
    const oversold = (scenario: string) => result.runs.filter((r) => r.result.scenario === scenario && r.result.violations.some((v) => v.invariant === "no-oversell"));
    // Stated bounds: every flash-sale seed, and at least one coordinator-crash seed.
    expect(oversold("flash-sale").map((r) => r.result.seed)).toEqual([...EXAMPLE_SEEDS]);
    expect(oversold("coordinator-crash").length).toBeGreaterThanOrEqual(1);
    // The business check, not the adapter's own level report, names sold orders beyond receipts.
    expect(oversold("flash-sale")[0]!.result.violations.some((v) => /units sold in \d+ orders, only \d+ received/.test(v.message))).toBe(true);

    const shrunk = result.shrunk!;
    expect(shrunk.invariant).toBe("no-oversell");
    expect(shrunk.result.violations.some((v) => v.invariant === "no-oversell")).toBe(true);
    expect(shrunk.options.workload?.buyers).toBeLessThanOrEqual(10);
    expect(shrunk.steps.at(-1)).toMatch(/^=> no-oversell violated: /);
    expect(shrunk.steps.length).toBeLessThanOrEqual(42);
    expect(shrunk.replay).toMatch(/^npx tsx examples\/own-adapter\/run\.ts --broken --scenario flash-sale --seed 1\b/);
    expect(lines).toContain(`replay: ${shrunk.replay}`);
  });

  it("the printed replay command reproduces the shrunk run's trace hash", async () => {
    const first = await runExample({ broken: true, scenarios: ["flash-sale"], seeds: [1], log: quiet });
    const shrunk = first.shrunk!;
    const args = shrunk.replay.split(" ").slice(3); // drop `npx tsx examples/own-adapter/run.ts`
    const lines: string[] = [];
    expect(await main(args, (l) => lines.push(l))).toBe(1);
    expect(lines.find((l) => l.startsWith("FAIL"))).toContain(`trace ${shrunk.result.traceHash}`);
  });

  it("refuses bad flags with exit code 2 before running anything", async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const run = (args: string[]) => main(args, (l) => lines.push(l), (l) => errors.push(l));
    expect(await run(["--scenario", "no-such-scenario"])).toBe(2);
    expect(await run(["--seed=-1"])).toBe(2);
    expect(await run(["--faults", "store.latency,bogus"])).toBe(2);
    expect(lines).toEqual([]);
    expect(errors.filter((l) => l.startsWith("usage: "))).toHaveLength(3);
  });
});
