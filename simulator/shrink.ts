// Shrinking: a failing run is reduced, by delta debugging over its configuration, to the smallest run
// with the same seed that still breaks the same invariant: every workload dimension, then the fault
// firings that matter, then the faulty time. A person reads the result in one screen
// (counterexample.ts slices it); replayCommand.ts prints the flags that reproduce it exactly.
import type { InvariantName } from "../core/invariants/verdict.ts";
import { firingsOf, type FaultPlan, type FaultSite } from "./faults.ts";
import { runScenario, type RunOptions, type RunResult } from "./run.ts";
import { timingDefaults, workloadDefaults, type WorkloadConstraints } from "./scenario.ts";
import { slice } from "./counterexample.ts";

export { counterexample } from "./counterexample.ts";

/** The workload dimensions shrinking reduces, each with the smallest value it tries. */
export const SHRINK_DIMENSIONS = {
  buyers: 1,
  skus: 1,
  stockPerSku: 1,
  linesMax: 1,
  quantityMax: 1,
  arrivalWindowMs: 1,
  buyerRetries: 0,
} as const satisfies Partial<Record<keyof WorkloadConstraints, number>>;
export type ShrinkDimension = keyof typeof SHRINK_DIMENSIONS;

/** How big a run is, before and after shrinking: what the run report prints. */
export interface ShrinkSize {
  readonly buyers: number;
  readonly skus: number;
  readonly stockPerSku: number;
  readonly linesMax: number;
  readonly quantityMax: number;
  readonly arrivalWindowMs: number;
  readonly buyerRetries: number;
  /** Fault firings in the run. */
  readonly faultFirings: number;
  readonly safetyMs: number;
  /** Operations (invokes) in the history. */
  readonly operations: number;
  /** Steps in the sliced counterexample. */
  readonly steps: number;
}

export interface ShrinkResult {
  /** The smallest failing options found (same seed). */
  readonly options: RunOptions;
  readonly result: RunResult;
  /** How many candidate runs shrinking tried (at most `triesMax`). */
  readonly tries: number;
  readonly before: ShrinkSize;
  readonly after: ShrinkSize;
}

export interface ShrinkConstraints {
  /** Upper bound on candidate runs; default 60. */
  readonly triesMax?: number;
  /** What runs a candidate; default runScenario (the monolith baseline passes its own). */
  readonly execute?: (options: RunOptions) => Promise<RunResult>;
}

/** Reduces `options` while the run still violates `invariant`. Deterministic: same inputs, same result. */
export async function shrink(options: RunOptions, invariant: InvariantName, failing: RunResult, constraints: ShrinkConstraints = {}): Promise<ShrinkResult> {
  const triesMax = constraints.triesMax ?? 60;
  if (!Number.isInteger(triesMax) || triesMax < 0) throw new Error(`shrink: triesMax must be a whole number >= 0, got ${triesMax}`);
  const execute = constraints.execute ?? runScenario;
  let best = { options, result: failing };
  let tries = 0;
  const left = () => tries < triesMax;
  const stillFails = async (candidate: RunOptions) => {
    if (!left()) return false;
    tries++;
    const result = await execute(candidate);
    if (!result.violations.some((v) => v.invariant === invariant)) return false;
    best = { options: candidate, result };
    return true;
  };

  /** Smallest value first (one run often settles it), then a few halvings toward it. */
  const minimize = async (get: (o: RunOptions) => number, set: (o: RunOptions, n: number) => RunOptions, min: number, halvingsMax: number) => {
    let hi = get(best.options);
    if (hi <= min || !left()) return false;
    if (await stillFails(set(best.options, min))) return true;
    let lo = min; // known not to fail (as far as this search can tell)
    let progress = false;
    for (let i = 0; i < halvingsMax && hi - lo > 1 && left(); i++) {
      const mid = Math.floor((lo + hi) / 2);
      if (await stillFails(set(best.options, mid))) {
        hi = mid;
        progress = true;
      } else lo = mid;
    }
    return progress;
  };

  const workload = async () => {
    let progress = false;
    for (const [dim, min] of Object.entries(SHRINK_DIMENSIONS) as [ShrinkDimension, number][]) {
      progress = (await minimize((o) => workloadOf(o)[dim], (o, n) => withWorkload(o, { [dim]: n }), min, dim === "buyers" ? 4 : 3)) || progress;
    }
    return progress;
  };

  const faults = async () => {
    let progress = false;
    // Restrict to the instances that fired: the same run, so no try is spent on it.
    const fired = () => [...firingsOf(best.result.history.entries, best.options.faultFirings).values()];
    let kept: string[] = fired();
    if (best.options.faultFirings === undefined || best.options.faultFirings.length !== kept.length) best = { ...best, options: { ...best.options, faultFirings: kept } };
    if (kept.length > 0 && (await stillFails({ ...best.options, faultFirings: [] }))) {
      kept = [];
      progress = true;
    }
    // Then the firings the counterexample shows (those that hit its steps), then every firing on the
    // processes it shows: one try each, often most of the way when many firings hit bystanders.
    for (const narrow of [storyFirings(best.result, best.options, invariant, false), storyFirings(best.result, best.options, invariant, true)]) {
      if (kept.length === 0 || !left() || narrow.length >= kept.length || narrow.length === 0) continue;
      if (await stillFails({ ...best.options, faultFirings: narrow })) {
        kept = fired();
        best = { ...best, options: { ...best.options, faultFirings: kept } };
        progress = true;
      }
    }
    // Whole sites first (a few tries), then delta debugging over the kept firings: drop chunks,
    // halving the chunk size down to one firing.
    for (const site of [...new Set(kept.map((id) => id.slice(0, id.indexOf("@"))))]) {
      if (kept.length === 0 || !left()) break;
      const candidate = kept.filter((id) => !id.startsWith(`${site}@`));
      if (candidate.length === kept.length || candidate.length === 0) continue;
      if (await stillFails({ ...best.options, faultFirings: candidate })) {
        kept = fired();
        best = { ...best, options: { ...best.options, faultFirings: kept } };
        progress = true;
      }
    }
    for (let chunk = Math.ceil(kept.length / 2); chunk >= 1 && kept.length > 0 && left(); ) {
      let dropped = false;
      for (let i = 0; i < kept.length && left(); i += chunk) {
        const candidate = [...kept.slice(0, i), ...kept.slice(i + chunk)];
        if (await stillFails({ ...best.options, faultFirings: candidate })) {
          kept = fired(); // what actually fired: a later firing may no longer be reached
          best = { ...best, options: { ...best.options, faultFirings: kept } };
          dropped = progress = true;
          break;
        }
      }
      if (!dropped) chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2);
      else chunk = Math.min(chunk, Math.max(1, Math.ceil(kept.length / 2)));
    }
    // Sites that no longer fire leave the plan, so the replay command names only what matters.
    const plan = planOf(best.options);
    const unused = (Object.keys(plan) as FaultSite[]).filter((s) => !kept.some((id) => id.startsWith(`${s}@`)));
    if (unused.length > 0 && left()) {
      const rest = Object.fromEntries(Object.entries(plan).filter(([s]) => !unused.includes(s as FaultSite))) as FaultPlan;
      if (await stillFails({ ...best.options, faults: rest })) {
        best = { ...best, options: { ...best.options, faultFirings: fired() } };
        progress = true;
      }
    }
    return progress;
  };

  const time = () => minimize(safetyOf, (o, ms) => ({ ...o, safetyMs: ms }), 100, 4);

  const before = sizeOf(best.options, best.result, invariant);
  // Rounds until nothing shrinks: fewer faults or less stock often let the workload shrink further.
  for (let round = 0; round < ROUNDS_MAX && left(); round++) {
    const w = await workload();
    const f = await faults();
    const t = await time();
    if (!w && !f && !t) break;
  }
  return { options: best.options, result: best.result, tries, before, after: sizeOf(best.options, best.result, invariant) };
}

/** The firing ids of the faults the slice shows (or, `wide`, of every fault on a process the slice shows). */
function storyFirings(result: RunResult, options: RunOptions, invariant: InvariantName, wide: boolean): string[] {
  const s = slice(result, invariant);
  const ids = firingsOf(result.history.entries, options.faultFirings);
  const processes = new Set(s.operations.filter((o) => s.picked.has(o.start)).map((o) => o.process));
  return s.operations
    .filter((o) => o.kind === "fault" && ids.has(o.start) && (wide ? processes.has(o.process) : s.picked.has(o.start) || (o.hit !== undefined && s.picked.has(o.hit))))
    .map((o) => ids.get(o.start)!);
}

/** Rounds of workload, faults and time; each round after the first is cheap when it finds nothing. */
const ROUNDS_MAX = 4;

/** The workload a run used, every dimension resolved (options over scenario over defaults). */
export function workloadOf(o: RunOptions): Required<WorkloadConstraints> {
  return { ...workloadDefaults, ...o.scenario.workload, ...o.workload };
}

export const safetyOf = (o: RunOptions): number => o.safetyMs ?? o.scenario.timing?.safetyMs ?? timingDefaults.safetyMs;

const planOf = (o: RunOptions): FaultPlan => o.faults ?? o.scenario.faults;

function withWorkload(o: RunOptions, patch: Partial<Record<ShrinkDimension, number>>): RunOptions {
  return { ...o, workload: { ...o.workload, ...patch } };
}

export function sizeOf(options: RunOptions, result: RunResult, invariant: InvariantName): ShrinkSize {
  const w = workloadOf(options);
  return {
    buyers: w.buyers,
    skus: w.skus,
    stockPerSku: w.stockPerSku,
    linesMax: w.linesMax,
    quantityMax: w.quantityMax,
    arrivalWindowMs: w.arrivalWindowMs,
    buyerRetries: w.buyerRetries,
    faultFirings: firingsOf(result.history.entries, options.faultFirings).size,
    safetyMs: safetyOf(options),
    operations: result.history.entries.filter((e) => e.type === "invoke").length,
    steps: slice(result, invariant).steps.length,
  };
}

/** `buyers 50->2, stockPerSku 6->1, fault firings 12->0, safety 10000->625 ms, steps 210->7`: only what changed, steps always. */
export function describeShrink(s: Pick<ShrinkResult, "before" | "after" | "tries">): string {
  const parts: string[] = [];
  const label: Record<keyof ShrinkSize, string> = { buyers: "buyers", skus: "skus", stockPerSku: "stock per sku", linesMax: "lines max", quantityMax: "quantity max", arrivalWindowMs: "arrival window ms", buyerRetries: "buyer retries", faultFirings: "fault firings", safetyMs: "safety ms", operations: "operations", steps: "steps" };
  for (const k of Object.keys(label) as (keyof ShrinkSize)[]) {
    if (k === "steps" || s.before[k] !== s.after[k]) parts.push(`${label[k]} ${s.before[k]}->${s.after[k]}`);
  }
  return `shrunk in ${s.tries} tries: ${parts.join(", ")}`;
}
