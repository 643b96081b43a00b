// `checkout-sim replay`: one run, exactly as a failing CI job ran it; prints the history readably, the
// sliced counterexample and the trace hash (the same hash twice proves the replay is exact).
// `--out DIR` writes the same reports as `run --out` for this one run.
import { join } from "node:path";
import type { InvariantName } from "../../core/invariants/verdict.ts";
import type { RunResult } from "../../simulator/run.ts";
import { checkWritableDir, checkWritableFile, writeAtomic } from "./output.ts";
import { parseCommon, parseSeed, restrictFaults, scenarioByName, type CommonRunFlags } from "./runOptions.ts";
import { EXIT } from "../usage.ts";
import { loadMachineFlag } from "./machineOption.ts";

interface ReplayFlags extends CommonRunFlags {
  seed: string;
  trace?: string;
  json?: boolean;
  out?: string;
}

export async function replayAction(name: string, flags: ReplayFlags): Promise<void> {
  const scenario = scenarioByName(name);
  const seed = parseSeed(flags.seed, "--seed");
  const parsed = parseCommon(flags);
  if (flags.trace) checkWritableFile(flags.trace, "--trace");
  if (flags.out) checkWritableDir(flags.out, "--out");
  const own = await loadMachineFlag(flags, parsed.architecture);
  const common = own ? { ...parsed, coordinator: own.coordinator } : parsed;
  const faults = restrictFaults(scenario, common.faults);
  const options = { ...common, scenario, seed, ...(faults ? { faults } : {}) };
  const { runScenario } = await import("../../simulator/run.ts");
  const { slice, formatStep } = await import("../../simulator/counterexample.ts");
  const { replayCommand } = await import("../../simulator/replayCommand.ts");
  const result: RunResult = await runScenario(options);
  // The counterexample follows the first violation, as the run's printout does.
  const invariant: InvariantName | undefined = result.violations[0]?.invariant;
  const steps = invariant ? slice(result, invariant).steps : [];
  if (flags.trace) writeAtomic(flags.trace, result.history.toJsonLines());
  if (flags.out) await writeReports(flags.out, result, replayCommand(options));
  if (flags.json) {
    process.stdout.write(
      JSON.stringify(
        {
          scenario: scenario.name,
          seed,
          traceHash: result.traceHash,
          valid: result.check.valid,
          violations: result.violations,
          counterexample: steps.map(({ t, process, op, detail, fault }) => ({ t, process, op, detail, ...(fault !== undefined ? { fault } : {}) })),
          faultMix: result.faultMix,
          stats: result.stats,
          exercised: result.exercised,
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
    if (invariant) {
      process.stdout.write(`\ncounterexample (${invariant}, ${steps.length} steps):\n`);
      steps.forEach((s, i) => process.stdout.write(`${String(i + 1).padStart(3)}. ${formatStep(s)}\n`));
    }
    process.stdout.write(`\nverdict: ${String(result.check.valid)}; ${result.violations.length} violations\n`);
    for (const v of result.violations) process.stdout.write(`  ${v.invariant}: ${v.message}\n`);
    process.stdout.write(`traceHash: ${result.traceHash}\n`);
  }
  process.exitCode = result.violations.length > 0 ? EXIT.violation : EXIT.ok;
}

/** report.html, report.md and report.json for one run: a grid of one seed, each violated invariant drawn. */
async function writeReports(dir: string, result: RunResult, replay: string): Promise<void> {
  const { renderHtml } = await import("../../reports/html.ts");
  const { renderMarkdown } = await import("../../reports/summary.ts");
  const { violationReport } = await import("../../reports/violation.ts");
  const cells = result.check.verdicts.map((v) => {
    const failed = v.valid === false;
    return {
      scenario: result.scenario,
      invariant: v.invariant,
      runs: 1,
      passed: v.valid === true ? 1 : 0,
      failed: failed ? 1 : 0,
      unknown: v.valid === "unknown" ? 1 : 0,
      ...(failed ? { firstViolation: violationReport(result, v.invariant, replay) } : {}),
    };
  });
  const summary = {
    runs: 1,
    scenarios: [result.scenario],
    cells,
    violations: cells.flatMap((c) => (c.firstViolation ? [c.firstViolation] : [])),
    coverage: { transitions: { ...result.coverage.transitions }, stateFaults: { ...result.coverage.stateFaults } },
  };
  const title = `checkout-sim replay ${result.scenario} seed ${result.seed}`;
  writeAtomic(join(dir, "report.html"), renderHtml(summary, title));
  writeAtomic(join(dir, "report.md"), renderMarkdown(summary));
  writeAtomic(
    join(dir, "report.json"),
    JSON.stringify({ runs: 1, traceHash: result.traceHash, violations: summary.violations.map(({ detail, ...v }) => ({ ...v, steps: detail?.steps ?? [] })), cells: cells.map(({ firstViolation: _f, ...c }) => c) }, null, 2) + "\n",
  );
}
