// Goal: a counterexample a person reads in one screen. For every `--disable` switch, the first catch in
// its own scenario shrinks (bounded tries) to at most 15 sliced steps that still show the violation,
// and the printed replay command, parsed by the CLI's own flag parser, reproduces the shrunk run's
// trace hash. The numbers (before -> after) are printed, one line per switch.
import { describe, expect, it } from "vitest";
import { MITIGATIONS, type Mitigation } from "../core/checkout/deps.ts";
import { PROTECTS } from "../core/invariants/index.ts";
import { findScenario } from "../scenarios/index.ts";
import { parseCommon, restrictFaults, scenarioByName } from "../cli/actions/runOptions.ts";
import { counterexample, slice } from "./counterexample.ts";
import { MITIGATION_SCENARIOS } from "./mitigationScenarios.ts";
import { replayCommand } from "./replayCommand.ts";
import { runScenario, type RunOptions } from "./run.ts";
import { describeShrink, shrink } from "./shrink.ts";

const STEPS_MAX = 15;
/** Enough for every switch today (most need 20 to 60 runs of a few buyers); bounded so CI stays quick. */
const TRIES_MAX = 60;

/** `npx checkout-sim replay NAME --seed S --flag v ...` -> RunOptions through the CLI's parser (not commander, the same validation). */
function optionsFromCommand(command: string): RunOptions {
  const words = command.split(" ").slice(3);
  const scenario = scenarioByName(words.shift()!);
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < words.length; i++) {
    const name = words[i]!.replace(/^--/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const next = words[i + 1];
    if (next === undefined || next.startsWith("--")) flags[name] = true;
    else {
      flags[name] = name === "disable" ? [...((flags[name] as string[] | undefined) ?? []), next] : next;
      i++;
    }
  }
  const common = parseCommon(flags);
  const faults = restrictFaults(scenario, common.faults);
  return { ...common, scenario, seed: Number(flags["seed"]), ...(faults ? { faults } : {}) };
}

describe(`every --disable switch shrinks to a counterexample of at most ${STEPS_MAX} steps`, () => {
  for (const mitigation of (MITIGATIONS as readonly Mitigation[]).filter((m) => MITIGATION_SCENARIOS[m] !== undefined)) {
    const { scenario: name, seeds } = MITIGATION_SCENARIOS[mitigation]!;
    const invariant = PROTECTS[mitigation];
    it(`--disable ${mitigation}: ${invariant} in ${name}`, async () => {
      const scenario = findScenario(name)!;
      let caught;
      for (let seed = 1; seed <= seeds && !caught; seed++) {
        const options: RunOptions = { scenario, seed, disable: [mitigation] };
        const result = await runScenario(options);
        if (result.violations.some((v) => v.invariant === invariant)) caught = { options, result };
      }
      expect(caught, `no ${invariant} violation within ${seeds} seeds`).toBeDefined();
      const shrunk = await shrink(caught!.options, invariant, caught!.result, { triesMax: TRIES_MAX });
      const lines = counterexample(shrunk.result, invariant);
      const command = replayCommand(shrunk.options);
      console.log(`--disable ${mitigation} (${name} seed ${shrunk.options.seed}): ${describeShrink(shrunk)}\n  ${lines.join("\n  ")}\n  ${command}`);

      expect(shrunk.tries).toBeLessThanOrEqual(TRIES_MAX);
      expect(shrunk.result.violations.some((v) => v.invariant === invariant)).toBe(true);
      const steps = slice(shrunk.result, invariant).steps;
      expect(steps.length, lines.join("\n")).toBeGreaterThan(0);
      expect(steps.length, lines.join("\n")).toBeLessThanOrEqual(STEPS_MAX);
      expect(shrunk.after.steps).toBe(steps.length);
      expect(shrunk.after.operations).toBeLessThan(shrunk.before.operations);
      expect(lines.at(-1)).toMatch(new RegExp(`^=> ${invariant} violated: `));
      // The replay command, through the CLI's flag parser, is the shrunk run byte for byte.
      const replayed = await runScenario(optionsFromCommand(command));
      expect(replayed.traceHash).toBe(shrunk.result.traceHash);
    });
  }
});
