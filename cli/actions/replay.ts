// `checkout-sim replay`: one run, exactly as a failing CI job ran it; prints the history readably
// and the trace hash (the same hash twice proves the replay is exact).
import type { RunResult } from "../../simulator/run.ts";
import { checkWritableFile, writeAtomic } from "./output.ts";
import { parseCommon, parseSeed, restrictFaults, scenarioByName, type CommonRunFlags } from "./runOptions.ts";
import { EXIT } from "../usage.ts";
import { loadMachineFlag } from "./machineOption.ts";

interface ReplayFlags extends CommonRunFlags {
  seed: string;
  trace?: string;
  json?: boolean;
}

export async function replayAction(name: string, flags: ReplayFlags): Promise<void> {
  const scenario = scenarioByName(name);
  const seed = parseSeed(flags.seed, "--seed");
  const parsed = parseCommon(flags);
  if (flags.trace) checkWritableFile(flags.trace, "--trace");
  const own = await loadMachineFlag(flags, parsed.architecture);
  const common = own ? { ...parsed, coordinator: own.coordinator } : parsed;
  const faults = restrictFaults(scenario, common.faults);
  const options = { ...common, scenario, seed, ...(faults ? { faults } : {}) };
  const { runScenario } = await import("../../simulator/run.ts");
  const result: RunResult = await runScenario(options);
  if (flags.trace) writeAtomic(flags.trace, result.history.toJsonLines());
  if (flags.json) {
    process.stdout.write(
      JSON.stringify(
        {
          scenario: scenario.name,
          seed,
          traceHash: result.traceHash,
          valid: result.check.valid,
          violations: result.violations,
          faultMix: result.faultMix,
          stats: result.stats,
          history: result.history.entries,
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    for (const e of result.history.entries) {
      process.stdout.write(`${String(e.index).padStart(5)} t=${String(e.time).padStart(6)}ms ${e.type.padEnd(6)} ${e.process.padEnd(28)} ${e.f}${e.value !== undefined ? ` ${JSON.stringify(e.value)}` : ""}\n`);
    }
    process.stdout.write(`\nverdict: ${String(result.check.valid)}; ${result.violations.length} violations\n`);
    for (const v of result.violations) process.stdout.write(`  ${v.invariant}: ${v.message}\n`);
    process.stdout.write(`traceHash: ${result.traceHash}\n`);
  }
  process.exitCode = result.violations.length > 0 ? EXIT.violation : EXIT.ok;
}
