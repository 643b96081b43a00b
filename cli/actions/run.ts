// `checkout-sim run`: every scenario x seed, judged; failures shrunk to a counterexample with the
// exact replay command. Exit 0 when every invariant held, 1 on any violation.
import { INVARIANTS, type InvariantName } from "../../core/invariants/verdict.ts";
import type { RunOptions, RunResult } from "../../simulator/run.ts";
import { SCENARIOS } from "../../scenarios/index.ts";
import { renderJunit } from "../../reports/junit.ts";
import { renderHtml } from "../../reports/html.ts";
import { renderMarkdown, renderTable, renderViolations, vacuityLine, vacuous, type Cell, type Summary } from "../../reports/summary.ts";
import { EXIT, parseCount, UsageError } from "../usage.ts";
import type { LiveFlags } from "./live.ts";
import { checkWritableDir, checkWritableFile, Progress, writeAtomic } from "./output.ts";
import { parseCommon, parseSeed, restrictFaults, scenarioByName, type CommonRunFlags } from "./runOptions.ts";
import { loadMachineFlag } from "./machineOption.ts";
import { join } from "node:path";

interface RunFlags extends CommonRunFlags {
  seeds?: string;
  seed?: string;
  checkDeterminism?: boolean;
  out?: string;
  json?: boolean;
  junit?: string;
  allowVacuous?: boolean;
}

/** Failures shrunk per scenario x invariant: the first one; shrinking is costly and one suffices. */
const SHRINK_PER_CELL = 1;
/** Candidate runs per shrink: shrunk runs are small (tens of ms each), and every switch reaches 15 steps within 60. */
const SHRINK_TRIES_MAX = 60;

export async function runAction(names: string[], flags: RunFlags & LiveFlags): Promise<void> {
  if (flags.live) return (await import("./live.ts")).liveAction(names, flags);
  for (const [flag, set] of [["--duration-ms", flags.durationMs], ["--pg", flags.pg], ["--redis", flags.redis], ["--nats", flags.nats]] as const)
    if (set !== undefined) throw new UsageError(`${flag} is for live mode: add --live`);
  // Validate everything before any work, so bad input exits 2 with nothing written.
  const scenarios = names.length > 0 ? names.map(scenarioByName) : [...SCENARIOS];
  const seeds = parseCount(flags.seeds ?? "20", "--seeds", 1);
  const firstSeed = parseSeed(flags.seed ?? "1", "--seed");
  const parsed = parseCommon(flags);
  if (flags.out) checkWritableDir(flags.out, "--out");
  if (flags.junit) checkWritableFile(flags.junit, "--junit");
  const own = await loadMachineFlag(flags, parsed.architecture);
  const common = own ? { ...parsed, coordinator: own.coordinator } : parsed;

  const { runScenario } = await import("../../simulator/run.ts");
  const { shrink } = await import("../../simulator/shrink.ts");
  const { violationReport } = await import("../../reports/violation.ts");
  const { replayCommand } = await import("../../simulator/replayCommand.ts");

  const summary: Summary = { runs: 0, scenarios: scenarios.map((s) => s.name), cells: [], violations: [], coverage: { transitions: {}, stateFaults: {} }, exercised: {}, seedsPerScenario: seeds };
  if (flags.checkDeterminism) Object.assign(summary, { determinism: { checked: 0, divergences: [] } });
  const progress = new Progress(scenarios.length * seeds, !flags.json);
  progress.line(`checkout-sim run: ${scenarios.length} scenarios x ${seeds} seeds (from ${firstSeed}), architecture ${common.architecture ?? "split"}${own ? `, machine ${own.label}` : ""}, stores ${String(common.stores)}${common.disable?.length ? `, disabled: ${common.disable.join(", ")}` : ""}`);

  let done = 0;
  for (const scenario of scenarios) {
    const cells = new Map<InvariantName, Cell>();
    for (const invariant of scenario.invariants) {
      const cell: Cell = { scenario: scenario.name, invariant, runs: 0, passed: 0, failed: 0, unknown: 0 };
      cells.set(invariant, cell);
      summary.cells.push(cell);
    }
    const exercised: Record<string, number> = Object.fromEntries((scenario.exercises ?? []).map((c) => [c, 0]));
    summary.exercised![scenario.name] = exercised;
    let failedSeeds = 0;
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const faults = restrictFaults(scenario, common.faults);
      const options: RunOptions = { ...common, scenario, seed, ...(faults ? { faults } : {}) };
      const result: RunResult = await runScenario(options);
      summary.runs++;
      for (const c of result.exercised) if (c in exercised) exercised[c]!++;
      merge(summary.coverage.transitions, result.coverage.transitions);
      merge(summary.coverage.stateFaults, result.coverage.stateFaults);
      if (flags.checkDeterminism && summary.determinism) {
        const again = await runScenario(options);
        summary.determinism.checked++;
        if (again.traceHash !== result.traceHash) {
          summary.determinism.divergences.push({ scenario: scenario.name, seed, first: result.traceHash, second: again.traceHash });
          progress.line(`nondeterminism: ${scenario.name} seed ${seed} gave traces ${result.traceHash} and ${again.traceHash}`);
          break;
        }
      }
      if (result.violations.length > 0) failedSeeds++;
      for (const verdict of result.check.verdicts) {
        const cell = cells.get(verdict.invariant)!;
        cell.runs++;
        if (verdict.valid === true) cell.passed++;
        else if (verdict.valid === "unknown") cell.unknown++;
        else {
          cell.failed++;
          if (!cell.firstViolation && cell.failed <= SHRINK_PER_CELL) {
            const shrunk = await shrink(options, verdict.invariant, result, { triesMax: SHRINK_TRIES_MAX });
            const report = violationReport(shrunk.result, verdict.invariant, replayCommand(shrunk.options), shrunk);
            cell.firstViolation = report;
            summary.violations.push(report);
          } else if (cell.failed > SHRINK_PER_CELL && summary.violations.length < 500) {
            summary.violations.push({ scenario: scenario.name, seed, invariant: verdict.invariant, message: verdict.violations[0]!.message, replay: replayCommand(options), counterexample: [] });
          }
        }
      }
      done++;
      progress.tick(done, `${scenario.name} seed ${seed}`);
    }
    progress.line(`${scenario.name}: ${seeds - failedSeeds}/${seeds} seeds held every invariant`);
  }
  progress.end();

  const json = {
    runs: summary.runs,
    violations: summary.violations.map((v) => ({
      scenario: v.scenario,
      seed: v.seed,
      invariant: v.invariant,
      message: v.message,
      replay: v.replay,
      counterexample: v.counterexample,
      ...(v.detail?.shrink ? { shrink: v.detail.shrink } : {}),
    })),
    coverage: coverageSummary(summary),
    cells: summary.cells.map(({ firstViolation: _f, ...c }) => c),
    exercised: summary.exercised,
    vacuous: vacuous(summary),
    ...(summary.determinism ? { determinism: summary.determinism } : {}),
  };
  if (flags.out) {
    writeAtomic(join(flags.out, "report.json"), JSON.stringify(json, null, 2) + "\n");
    writeAtomic(join(flags.out, "report.md"), renderMarkdown(summary));
    writeAtomic(join(flags.out, "report.html"), renderHtml(summary));
  }
  if (flags.junit) writeAtomic(flags.junit, renderJunit(summary, flags.allowVacuous ?? false));
  // A declared condition no seed hit: the green verdicts say nothing about that moment.
  const empty = vacuous(summary);
  if (flags.json) process.stdout.write(JSON.stringify(json, null, 2) + "\n");
  else {
    process.stdout.write(renderTable(summary) + "\n");
    if (summary.violations.length > 0) process.stdout.write(renderViolations(summary) + "\n");
    for (const v of empty) process.stdout.write(`${flags.allowVacuous ? "allowed: " : "vacuous: "}${vacuityLine(summary, v)}\n`);
    const distinct = [...new Set(summary.violations.map((v) => v.invariant))];
    process.stdout.write(
      summary.violations.length === 0
        ? `\nAll invariants held: ${summary.runs} runs.\n`
        : `\n${summary.violations.length} violations of ${distinct.length} invariants (${distinct.join(", ")}) in ${summary.runs} runs.\n`,
    );
  }
  const diverged = (summary.determinism?.divergences.length ?? 0) > 0;
  const isVacuous = empty.length > 0 && !flags.allowVacuous;
  if (isVacuous && flags.json) for (const v of empty) process.stderr.write(`vacuous: ${vacuityLine(summary, v)}\n`);
  process.exitCode = summary.violations.length > 0 || diverged || isVacuous ? EXIT.violation : EXIT.ok;
}

function merge(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function coverageSummary(summary: Summary) {
  return {
    transitionsTaken: Object.keys(summary.coverage.transitions).length,
    transitions: summary.coverage.transitions,
    stateFaultPairs: Object.keys(summary.coverage.stateFaults).length,
    stateFaults: summary.coverage.stateFaults,
    invariants: INVARIANTS.length,
  };
}
