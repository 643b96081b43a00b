// Goal: every checker is shown able to catch its bug. For each mitigation, switching it off makes
// the invariant it protects fail within a stated number of seeds, and the reference (all
// mitigations on) passes those same seeds on every invariant the scenario judges.
import { describe, expect, it } from "vitest";
import { PROTECTS } from "../core/invariants/index.ts";
import type { Mitigation } from "../core/checkout/deps.ts";
import { findScenario } from "../scenarios/index.ts";
import { runScenario } from "./run.ts";
import { MITIGATION_SCENARIOS, NOT_YET_PROVOKED } from "./mitigationScenarios.ts";
import { MITIGATIONS } from "../core/checkout/deps.ts";

/** The scenario that exercises each mitigation, and how many seeds it may take to catch it. */
const cases = Object.entries(MITIGATION_SCENARIOS).map(([mitigation, c]) => ({ mitigation: mitigation as Mitigation, ...c! }));

describe("each mitigation protects its invariant", () => {
  it("every switch has a scenario that catches it, or a stated reason it has none yet (never both)", () => {
    const covered = Object.keys(MITIGATION_SCENARIOS);
    const excused = Object.keys(NOT_YET_PROVOKED);
    expect([...covered, ...excused].sort()).toEqual([...MITIGATIONS].sort());
    expect(covered.filter((m) => excused.includes(m))).toEqual([]);
  });

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
