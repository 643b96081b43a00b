// The exact command that replays a run, shrinking overrides included: what a failing CI job prints.
// Every dimension the shrinker changes has a flag here and in cli/actions/runOptions.ts, so the
// shrunk run replays with the same trace hash.
import type { RunOptions } from "./run.ts";
import { workloadDefaults, type WorkloadConstraints } from "./scenario.ts";

/** Workload overrides and their flags, in the order the command prints them. */
export const WORKLOAD_FLAGS = [
  ["buyers", "--buyers"],
  ["skus", "--skus"],
  ["stockPerSku", "--stock-per-sku"],
  ["linesMax", "--lines-max"],
  ["quantityMax", "--quantity-max"],
  ["arrivalWindowMs", "--arrival-window-ms"],
  ["buyerRetries", "--buyer-retries"],
] as const satisfies readonly (readonly [keyof WorkloadConstraints, string])[];

/** CLI flags that rebuild a coordinator (`--machine FILE`), registered by whoever built it from them. */
const coordinatorFlags = new WeakMap<object, readonly string[]>();

/** Remembers the flags that rebuild `coordinator`, so replay commands of runs that use it carry them. */
export function replayableAs(coordinator: object, flags: readonly string[]): void {
  coordinatorFlags.set(coordinator, flags);
}

/** A path or name as one shell word. */
const shellWord = (s: string): string => (/^[\w./@:+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

export function replayCommand(o: RunOptions): string {
  const parts = ["npx checkout-sim replay", o.scenario.name, "--seed", String(o.seed)];
  if (o.policy) parts.push("--policy", o.policy);
  const rebuild = o.coordinator === undefined ? undefined : coordinatorFlags.get(o.coordinator);
  if (rebuild !== undefined) parts.push(...rebuild.map(shellWord));
  if (typeof o.stores === "string" && o.stores !== "memory") parts.push("--stores", o.stores);
  for (const m of o.disable ?? []) parts.push("--disable", m);
  if (o.architecture === "monolith") parts.push("--architecture", "monolith");
  if (o.swarm) parts.push("--swarm");
  if (o.strategy && o.strategy !== "random") parts.push("--strategy", o.strategy);
  for (const [dim, flag] of WORKLOAD_FLAGS) {
    const value = o.workload?.[dim];
    if (value !== undefined && value !== (o.scenario.workload?.[dim] ?? workloadDefaults[dim])) parts.push(flag, String(value));
  }
  if (o.safetyMs !== undefined) parts.push("--safety-ms", String(o.safetyMs));
  if (o.faults) parts.push("--faults", Object.keys(o.faults).join(",") || "none");
  if (o.faultFirings) parts.push("--firings", o.faultFirings.join(",") || "none");
  const custom = [typeof o.stores === "function" ? "stores" : null, o.coordinator && rebuild === undefined ? "coordinator" : null].filter((x) => x !== null);
  // The CLI cannot load a team's own adapters: say so rather than print a command that replays something else.
  if (custom.length > 0) parts.push(`# with your own ${custom.join(" and ")}: call runScenario with the same seed and options`);
  return parts.join(" ");
}
