// What `run` needs from one scenario x seed run, small enough to cross a worker boundary: verdicts,
// exercised conditions, coverage and the trace hash (twice under --check-determinism). Shrinking
// re-runs the one failing run it needs in the main thread: same seed, same options, same run.
import { findScenario } from "../../scenarios/index.ts";
import type { Verdict } from "../../core/invariants/verdict.ts";
import type { RunOptions } from "../run.ts";

/** RunOptions without the scenario object and seed: plain data, as the CLI builds it. */
export type PlainRunOptions = Omit<RunOptions, "scenario" | "seed" | "coordinator">;

export interface RunJob {
  readonly scenario: string;
  readonly seed: number;
  readonly options: PlainRunOptions;
  readonly checkDeterminism: boolean;
}

export interface RunDigest {
  readonly scenario: string;
  readonly seed: number;
  readonly verdicts: readonly Verdict[];
  readonly violations: number;
  readonly exercised: readonly string[];
  readonly coverage: { readonly transitions: Record<string, number>; readonly stateFaults: Record<string, number> };
  /** Both runs' hashes, under --check-determinism only (hashing is a tenth of a run's cost). */
  readonly traceHash?: string;
  readonly againHash?: string;
}

export async function runJob(job: RunJob): Promise<RunDigest> {
  const { runScenario } = await import("../run.ts");
  const scenario = findScenario(job.scenario);
  if (scenario === undefined) throw new Error(`unknown scenario ${job.scenario}`);
  const options: RunOptions = { ...job.options, scenario, seed: job.seed };
  const result = await runScenario(options);
  const again = job.checkDeterminism ? await runScenario(options) : undefined;
  return {
    scenario: job.scenario,
    seed: job.seed,
    verdicts: result.check.verdicts,
    violations: result.violations.length,
    exercised: result.exercised,
    coverage: { transitions: result.coverage.transitions, stateFaults: result.coverage.stateFaults },
    ...(again ? { traceHash: result.traceHash, againHash: again.traceHash } : {}),
  };
}
