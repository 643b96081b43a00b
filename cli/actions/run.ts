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
import { availableParallelism } from "node:os";
import { runJobs } from "../../simulator/workers/pool.ts";
import type { RunJob } from "../../simulator/workers/digest.ts";

interface RunFlags extends CommonRunFlags {
  seeds?: string;
  seed?: string;
  checkDeterminism?: boolean;
  out?: string;
  json?: boolean;
  junit?: string;
  allowVacuous?: boolean;
  shard?: string;
  workers?: string;
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
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  if (flags.out) checkWritableDir(flags.out, "--out");
  if (flags.junit) checkWritableFile(flags.junit, "--junit");
  const own = await loadMachineFlag(flags, parsed.architecture);
  const common = own ? { ...parsed, coordinator: own.coordinator } : parsed;
  // A machine loaded from a file lives in this thread: its runs stay here (same results, fewer threads).
  const workers = own ? 1 : flags.workers === undefined ? availableParallelism() : parseCount(flags.workers, "--workers", 1);

  const { runScenario } = await import("../../simulator/run.ts");
  const { shrink } = await import("../../simulator/shrink.ts");
  const { violationReport } = await import("../../reports/violation.ts");
  const { replayCommand } = await import("../../simulator/replayCommand.ts");

  // The scenario x seed grid, in order; a shard runs every N-th cell of it, so N shards cover it exactly once.
  const grid = scenarios.flatMap((scenario) => Array.from({ length: seeds }, (_, i) => ({ scenario: scenario.name, seed: firstSeed + i })));
  const mine = new Set(grid.filter((_, i) => shard === undefined || i % shard.count === shard.index - 1).map((g) => `${g.scenario}\u0000${g.seed}`));
  const seedsByScenario = Object.fromEntries(scenarios.map((s) => [s.name, grid.filter((g) => g.scenario === s.name && mine.has(`${g.scenario}\u0000${g.seed}`)).length]));
  const summary: Summary = { runs: 0, scenarios: scenarios.map((s) => s.name), cells: [], violations: [], coverage: { transitions: {}, stateFaults: {} }, exercised: {}, seedsPerScenario: seeds, seedsByScenario, ...(shard ? { shard } : {}) };
  if (flags.checkDeterminism) Object.assign(summary, { determinism: { checked: 0, divergences: [] } });
  const progress = new Progress(mine.size, !flags.json);
  progress.line(`checkout-sim run: ${scenarios.length} scenarios x ${seeds} seeds (from ${firstSeed})${shard ? `, shard ${shard.index}/${shard.count} (${mine.size} runs)` : ""}, architecture ${common.architecture ?? "split"}${own ? `, machine ${own.label}` : ""}, stores ${String(common.stores)}${common.disable?.length ? `, disabled: ${common.disable.join(", ")}` : ""}`);

  // Every run of the slice, on the worker threads; the digests come back in grid order, and everything
  // decided from them (cells, which failure to shrink, the report's order) is decided here, in order.
  const optionsOf = (scenario: (typeof scenarios)[number], seed: number): RunOptions => {
    const faults = restrictFaults(scenario, common.faults);
    return { ...common, scenario, seed, ...(faults ? { faults } : {}) };
  };
  const jobs: RunJob[] = [];
  for (const scenario of scenarios)
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      if (!mine.has(`${scenario.name}\u0000${seed}`)) continue;
      const { scenario: _s, seed: _n, ...plain } = optionsOf(scenario, seed);
      jobs.push({ scenario: scenario.name, seed, options: plain, checkDeterminism: flags.checkDeterminism === true });
    }
  const digests = await runJobs(jobs, workers, (d, n) => progress.tick(n, `${d.scenario} seed ${d.seed}`));
  progress.end();

  let next = 0;
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
    const mineHere = seedsByScenario[scenario.name]!;
    for (let k = 0; k < mineHere; k++) {
      const digest = digests[next++]!;
      const seed = digest.seed;
      const options = optionsOf(scenario, seed);
      summary.runs++;
      for (const c of digest.exercised) if (c in exercised) exercised[c]!++;
      merge(summary.coverage.transitions, digest.coverage.transitions);
      merge(summary.coverage.stateFaults, digest.coverage.stateFaults);
      if (flags.checkDeterminism && summary.determinism) {
        summary.determinism.checked++;
        if (digest.againHash !== digest.traceHash) {
          summary.determinism.divergences.push({ scenario: scenario.name, seed, first: digest.traceHash ?? "", second: digest.againHash ?? "" });
          progress.line(`nondeterminism: ${scenario.name} seed ${seed} gave traces ${digest.traceHash} and ${digest.againHash}`);
          next += mineHere - k - 1;
          break;
        }
      }
      if (digest.violations > 0) failedSeeds++;
      let failing: RunResult | undefined;
      for (const verdict of digest.verdicts) {
        const cell = cells.get(verdict.invariant)!;
        cell.runs++;
        if (verdict.valid === true) cell.passed++;
        else if (verdict.valid === "unknown") cell.unknown++;
        else {
          cell.failed++;
          if (!cell.firstViolation && cell.failed <= SHRINK_PER_CELL) {
            progress.line(`shrinking ${scenario.name} / ${verdict.invariant} (seed ${seed})`);
            failing ??= await runScenario(options); // the same run again, in full: shrinking reads its history
            const shrunk = await shrink(options, verdict.invariant, failing, { triesMax: SHRINK_TRIES_MAX });
            const report = { ...violationReport(shrunk.result, verdict.invariant, replayCommand(shrunk.options), shrunk), unshrunk: { message: verdict.violations[0]!.message, replay: replayCommand(options) } };
            cell.firstViolation = report;
            summary.violations.push(report);
          } else if (cell.failed > SHRINK_PER_CELL && summary.violations.length < 500) {
            summary.violations.push({ scenario: scenario.name, seed, invariant: verdict.invariant, message: verdict.violations[0]!.message, replay: replayCommand(options), counterexample: [] });
          }
        }
      }
    }
    progress.line(`${scenario.name}: ${mineHere - failedSeeds}/${mineHere} seeds held every invariant`);
  }
  writeRunOutputs(summary, flags);
}

/** Writes what a run (or a merge of shard runs) reports, and sets the exit code: 1 on a violation, a divergence or a vacuous run. */
export function writeRunOutputs(summary: Summary, flags: { out?: string; junit?: string; json?: boolean; allowVacuous?: boolean }): void {
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
    ...(summary.shard ? { shard: summary.shard } : {}),
  };
  if (flags.out) {
    // `summary` is what `checkout-sim merge` reads to combine shard reports into one.
    writeAtomic(join(flags.out, "report.json"), JSON.stringify({ ...json, summary }, null, 2) + "\n");
    writeAtomic(join(flags.out, "report.md"), renderMarkdown(summary));
    writeAtomic(join(flags.out, "report.html"), renderHtml(summary));
  }
  if (flags.junit) writeAtomic(flags.junit, renderJunit(summary, (flags.allowVacuous ?? false) || summary.shard !== undefined));
  // A declared condition no seed hit: the green verdicts say nothing about that moment.
  const empty = vacuous(summary);
  if (flags.json) process.stdout.write(JSON.stringify(json, null, 2) + "\n");
  else {
    process.stdout.write(renderTable(summary) + "\n");
    if (summary.violations.length > 0) process.stdout.write(renderViolations(summary) + "\n");
    for (const v of empty) process.stdout.write(`${summary.shard ? "not yet in this shard (judged by merge): " : flags.allowVacuous ? "allowed: " : "vacuous: "}${vacuityLine(summary, v)}\n`);
    const distinct = [...new Set(summary.violations.map((v) => v.invariant))];
    process.stdout.write(
      summary.violations.length === 0
        ? `\nAll invariants held: ${summary.runs} runs.\n`
        : `\n${summary.violations.length} violations of ${distinct.length} invariants (${distinct.join(", ")}) in ${summary.runs} runs.\n`,
    );
  }
  const diverged = (summary.determinism?.divergences.length ?? 0) > 0;
  // One shard sees a slice of the seeds: vacuity is judged on the merged report, not per shard.
  const isVacuous = empty.length > 0 && !flags.allowVacuous && summary.shard === undefined;
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

/** `--shard I/N`: the I-th (1-based) of N slices of the scenario x seed grid. */
function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard must be I/N with 1 <= I <= N, got ${JSON.stringify(value)}`);
  return { index, count };
}
