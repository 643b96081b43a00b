// Turns a failing run into what the reports show for one violation: the sliced counterexample as
// lines and as data, the operations the timeline draws, and the violating checkouts' statechart paths.
import type { InvariantName } from "../core/invariants/verdict.ts";
import { counterexample, slice } from "../simulator/counterexample.ts";
import type { RunResult } from "../simulator/run.ts";
import type { ShrinkResult } from "../simulator/shrink.ts";
import type { ViolationDetail, ViolationReport } from "./summary.ts";

export function violationReport(result: RunResult, invariant: InvariantName, replay: string, shrunk?: Pick<ShrinkResult, "tries" | "before" | "after">): ViolationReport {
  const s = slice(result, invariant);
  const violation = s.violation ?? result.violations.find((v) => v.invariant === invariant)!;
  // The violating checkouts: those whose process acted in the slice.
  const actors = new Set(s.steps.map((step) => step.process));
  const paths = Object.fromEntries(Object.entries(result.coverage.paths ?? {}).filter(([process]) => actors.has(process)));
  const detail: ViolationDetail = {
    policy: result.policy,
    traceHash: result.traceHash,
    steps: s.steps,
    operations: s.operations,
    picked: [...s.picked],
    transitions: result.coverage.transitions,
    paths,
    ...(shrunk ? { shrink: { tries: shrunk.tries, before: shrunk.before, after: shrunk.after } } : {}),
    exercised: result.exercised,
  };
  return { scenario: result.scenario, seed: result.seed, invariant, message: violation.message, replay, counterexample: counterexample(result, invariant), detail };
}
