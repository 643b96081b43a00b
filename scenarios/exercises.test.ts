// Goal: every scenario names what it exists to provoke, from the catalogue, so a green run of it can
// be shown not to be vacuous (swarm's mix changes per seed, so it declares nothing).
import { describe, expect, it } from "vitest";
import { EXERCISE_NAMES } from "../core/exercised/index.ts";
import { SCENARIOS } from "./index.ts";

describe("scenario exercises", () => {
  it("every built-in scenario but swarm declares at least one condition, each from the catalogue", () => {
    for (const s of SCENARIOS) {
      if (s.swarm) continue;
      expect(s.exercises?.length ?? 0, s.name).toBeGreaterThan(0);
      for (const c of s.exercises ?? []) expect(EXERCISE_NAMES, `${s.name}: ${c}`).toContain(c);
    }
  });
});
