// Goal: fault firings can be restricted to named instances without disturbing anything else: the full
// list of a run's firings replays the run byte for byte, an empty list fires nothing, and firing ids
// map back onto a restricted run's history.
import { describe, expect, it } from "vitest";
import { findScenario } from "../scenarios/index.ts";
import { firingsOf, parseFiringId } from "./faults.ts";
import { runScenario } from "./run.ts";

describe("fault firing restriction", () => {
  const scenario = findScenario("payment-retry-double-charge")!;
  const base = { scenario, seed: 3, workload: { buyers: 4 } } as const;

  it("restricting to every firing that happened is the same run (same trace hash)", async () => {
    const full = await runScenario(base);
    const fired = [...firingsOf(full.history.entries).values()];
    expect(fired.length).toBeGreaterThan(2);
    const restricted = await runScenario({ ...base, faultFirings: fired });
    expect(restricted.traceHash).toBe(full.traceHash);
  });

  it("an empty list fires nothing; dropping one firing keeps the history identical up to where it fired", async () => {
    const full = await runScenario(base);
    expect((await runScenario({ ...base, faultFirings: [] })).history.entries.filter((e) => e.type === "fault" && e.f !== "buggify")).toEqual([]);
    const firings = [...firingsOf(full.history.entries)];
    const [at, dropped] = firings[Math.floor(firings.length / 2)]!;
    const without = await runScenario({ ...base, faultFirings: firings.map(([, id]) => id).filter((id) => id !== dropped) });
    // Suppressed, not skipped: the fault stream drew as before, so everything before the firing is the same.
    const lines = (r: typeof full) => r.history.toJsonLines().split("\n"); // values may hold closures: compare the trace bytes
    expect(lines(without).slice(0, at)).toEqual(lines(full).slice(0, at));
    expect(lines(without)[at]).not.toEqual(lines(full)[at]);
    expect(without.traceHash).not.toBe(full.traceHash);
  });

  it("parses SITE@PROCESS/DETAIL#N and refuses anything else", () => {
    expect(parseFiringId("store.latency@checkout:c-1-1#2/inventory.reserve#3")).toEqual({ site: "store.latency", key: "store.latency@checkout:c-1-1#2/inventory.reserve", n: 3 });
    expect(parseFiringId("coordinator.crash@nemesis#1")).toEqual({ site: "coordinator.crash", key: "coordinator.crash@nemesis", n: 1 });
    for (const bad of ["store.latency#3", "store.latency@x#0", "nope@x#1", "store.latency@x#y", "store.latency@a b#1"]) expect(parseFiringId(bad)).toBeUndefined();
  });
});
