// Shrinking: a failing run is reduced, by delta debugging over its configuration (fewer buyers, a
// shorter faulty phase, fewer fault sites), to the smallest run with the same seed that still breaks the same
// invariant, then printed as numbered readable steps with the exact replay command.
import type { InvariantName } from "../core/invariants/verdict.ts";
import type { FaultPlan, FaultSite } from "./faults.ts";
import type { HistoryEntry } from "./history.ts";
import { runScenario, type RunOptions, type RunResult } from "./run.ts";
import { timingDefaults, workloadDefaults } from "./scenario.ts";

export interface ShrinkResult {
  /** The smallest failing options found (same seed). */
  readonly options: RunOptions;
  readonly result: RunResult;
  /** How many candidate runs shrinking tried. */
  readonly tries: number;
}

export interface ShrinkConstraints {
  /** Upper bound on candidate runs; default 40. */
  readonly triesMax?: number;
  /** What runs a candidate; default runScenario (the monolith baseline passes its own). */
  readonly execute?: (options: RunOptions) => Promise<RunResult>;
}

/** Reduces `options` while the run still violates `invariant`. */
export async function shrink(options: RunOptions, invariant: InvariantName, failing: RunResult, constraints: ShrinkConstraints = {}): Promise<ShrinkResult> {
  const triesMax = constraints.triesMax ?? 40;
  const execute = constraints.execute ?? runScenario;
  let best = { options, result: failing };
  let tries = 0;
  const stillFails = async (candidate: RunOptions) => {
    if (tries >= triesMax) return false;
    tries++;
    const result = await execute(candidate);
    if (!result.violations.some((v) => v.invariant === invariant)) return false;
    best = { options: candidate, result };
    return true;
  };

  // 1. Fewer buyers: halve while it still fails, then step down.
  const buyersOf = (o: RunOptions) => o.workload?.buyers ?? o.scenario.workload?.buyers ?? workloadDefaults.buyers;
  for (let n = Math.floor(buyersOf(best.options) / 2); n >= 1; n = Math.floor(n / 2)) {
    if (!(await stillFails(withWorkload(best.options, { buyers: n })))) break;
  }
  for (let n = buyersOf(best.options) - 1; n >= 1; n--) {
    if (!(await stillFails(withWorkload(best.options, { buyers: n })))) break;
  }
  // 2. Fewer steps: halve the safety phase (faults fire only there) while it still fails.
  const safetyOf = (o: RunOptions) => o.safetyMs ?? o.scenario.timing?.safetyMs ?? timingDefaults.safetyMs;
  for (let ms = Math.floor(safetyOf(best.options) / 2); ms >= 500; ms = Math.floor(ms / 2)) {
    if (!(await stillFails({ ...best.options, safetyMs: ms }))) break;
  }
  // 3. Fewer fault sites: drop each site the plan names, one at a time.
  const plan = (o: RunOptions): FaultPlan => o.faults ?? o.scenario.faults;
  for (const site of Object.keys(plan(best.options)) as FaultSite[]) {
    const { [site]: _dropped, ...rest } = plan(best.options);
    await stillFails({ ...best.options, faults: rest });
  }
  return { options: best.options, result: best.result, tries };
}

function withWorkload(o: RunOptions, patch: Record<string, number>): RunOptions {
  return { ...o, workload: { ...o.workload, ...patch } };
}

/**
 * The counterexample as numbered steps: faults, checkout submissions and outcomes, and every
 * operation touching the violation's entities. At most `stepsMax` lines.
 */
export function counterexample(result: RunResult, invariant: InvariantName, stepsMax = 40): string[] {
  const violation = result.violations.find((v) => v.invariant === invariant);
  const ids = violation ? Object.values(violation.entities).flatMap((v) => v.split(",")).filter((v) => v.length > 0) : [];
  const relevant = (e: HistoryEntry) => {
    if (NOISE.has(e.f)) return false;
    if (e.process.startsWith("buyer:") && (e.f.startsWith("catalog.") || e.f.startsWith("cart."))) return false; // browsing
    if (e.type === "fault" && e.f !== "buggify") return true;
    if (e.type === "phase") return e.f !== "verdict" && e.f !== "setup";
    const text = `${e.process} ${JSON.stringify(e.value ?? "")}`;
    return ids.some((id) => text.includes(id) || ids.some((x) => x.startsWith(id.split(":")[0] ?? id) && text.includes(x.split(":")[0]!)));
  };
  const picked = result.history.entries.filter(relevant);
  const lines = picked.slice(0, stepsMax).map((e, i) => `${String(i + 1).padStart(2)}. t=${e.time}ms ${e.process} ${e.type} ${e.f}${e.value !== undefined ? ` ${JSON.stringify(e.value)}` : ""}`);
  if (picked.length > stepsMax) lines.push(`    ... ${picked.length - stepsMax} more steps (replay with --trace for all)`);
  if (violation) lines.push(`=> ${invariant} violated: ${violation.message}`);
  return lines;
}

/** Bookkeeping reads and snapshot saves: true but rarely the story of a violation. */
const NOISE = new Set(["commands.save", "orders.events", "payments.get", "inventory.get", "catalog.getProducts", "events.poll", "orders.pendingOutbox"]);
