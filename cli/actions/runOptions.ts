// Turns run/replay flags into validated RunOptions, or a UsageError naming the bad flag and value.
import { MITIGATIONS, POLICIES, type Mitigation } from "../../core/checkout/deps.ts";
import { FAULT_SITES, parseFiringId, type FaultPlan, type FaultSite } from "../../simulator/faults.ts";
import { WORKLOAD_FLAGS } from "../../simulator/replayCommand.ts";
import type { RunOptions } from "../../simulator/run.ts";
import type { Scenario } from "../../simulator/scenario.ts";
import { STRATEGIES } from "../../simulator/scheduler.ts";
import { STORE_ENGINES } from "../../simulator/stores.ts";
import { findScenario, SCENARIOS } from "../../scenarios/index.ts";
import { parseChoice, parseCount, UsageError } from "../usage.ts";

import { ARCHITECTURES } from "../../simulator/run.ts";
import { LIVE_ENGINES } from "../../simulator/live/engines.ts";

/** Simulated runs take memory or sqlite; the networked engines exist only in live mode. */
function parseStores(value: string): (typeof STORE_ENGINES)[number] {
  if ((LIVE_ENGINES as readonly string[]).includes(value)) throw new UsageError(`--stores ${value} needs --live (networked engines do real I/O, so they cannot be simulated deterministically)`);
  return parseChoice(value, "--stores", STORE_ENGINES);
}

export function scenarioByName(name: string): Scenario {
  const s = findScenario(name);
  if (!s) throw new UsageError(`unknown scenario ${JSON.stringify(name)}; known: ${SCENARIOS.map((x) => x.name).join(", ")}`);
  return s;
}

export interface CommonRunFlags {
  policy?: string;
  stores?: string;
  architecture?: string;
  disable?: string[];
  swarm?: boolean;
  strategy?: string;
  buyers?: string;
  skus?: string;
  stockPerSku?: string;
  linesMax?: string;
  quantityMax?: string;
  arrivalWindowMs?: string;
  buyerRetries?: string;
  safetyMs?: string;
  faults?: string;
  firings?: string;
  machine?: string;
  machineExport?: string;
}

/** The smallest value each workload flag accepts (as the shrinker's minimums, except buyers' 1). */
const WORKLOAD_MIN: Record<(typeof WORKLOAD_FLAGS)[number][0], number> = { buyers: 1, skus: 1, stockPerSku: 0, linesMax: 1, quantityMax: 1, arrivalWindowMs: 1, buyerRetries: 0 };

/** Everything but scenario and seed, shared by every run of a command. */
export function parseCommon(flags: CommonRunFlags): Omit<RunOptions, "scenario" | "seed"> {
  const disable = (flags.disable ?? []).map((m) => parseChoice(m, "--disable", MITIGATIONS) as Mitigation);
  const architecture = parseChoice(flags.architecture ?? "split", "--architecture", ARCHITECTURES);
  const out: Record<string, unknown> = {
    stores: parseStores(flags.stores ?? "memory"),
    strategy: parseChoice(flags.strategy ?? "random", "--strategy", STRATEGIES),
    disable: [...new Set(disable)].sort(),
    swarm: flags.swarm === true ? true : undefined,
    architecture,
  };
  if (flags.policy !== undefined) out["policy"] = parseChoice(flags.policy, "--policy", POLICIES);
  const workload: Record<string, number> = {};
  for (const [dim, flag] of WORKLOAD_FLAGS) {
    const value = flags[dim];
    if (value !== undefined) workload[dim] = parseCount(value, flag, WORKLOAD_MIN[dim]);
  }
  if (Object.keys(workload).length > 0) out["workload"] = workload;
  if (flags.safetyMs !== undefined) out["safetyMs"] = parseCount(flags.safetyMs, "--safety-ms", 1);
  if (flags.faults !== undefined) out["faults"] = parseFaultList(flags.faults);
  if (flags.firings !== undefined) out["faultFirings"] = parseFirings(flags.firings);
  if (out["swarm"] === undefined) delete out["swarm"];
  return out as ReturnType<typeof parseCommon>;
}

/** `--faults a,b` keeps those sites of the scenario's plan; the probabilities are filled in per scenario. */
function parseFaultList(value: string): FaultPlan {
  if (value === "none") return {};
  const plan: FaultPlan = {};
  for (const site of value.split(",").filter((s) => s.length > 0)) plan[parseChoice(site, "--faults", FAULT_SITES) as FaultSite] = 1;
  return plan;
}

/** `--firings SITE@PROCESS/DETAIL#N,...` (or none): only these fault firing instances may fire (the shrinker prints it). */
function parseFirings(value: string): string[] {
  if (value === "none") return [];
  const ids = value.split(",").filter((s) => s.length > 0);
  for (const id of ids) if (!parseFiringId(id)) throw new UsageError(`--firings must be a comma-separated list of SITE@PROCESS[/DETAIL]#N (as a shrunk replay command prints them), or none; got ${JSON.stringify(id)}`);
  return ids;
}

/** Restricts a scenario's fault plan to the sites a `--faults` list named, with the scenario's probabilities. */
export function restrictFaults(scenario: Scenario, sites: FaultPlan | undefined): FaultPlan | undefined {
  if (!sites) return undefined;
  return Object.fromEntries(Object.keys(sites).map((s) => [s, scenario.faults[s as FaultSite] ?? 0.1]));
}

export const parseSeed = (value: string, option: string) => parseCount(value, option, 0);
