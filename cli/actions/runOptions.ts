// Turns run/replay flags into validated RunOptions, or a UsageError naming the bad flag and value.
import { MITIGATIONS, POLICIES, type Mitigation } from "../../core/checkout/deps.ts";
import { FAULT_SITES, type FaultPlan, type FaultSite } from "../../simulator/faults.ts";
import type { RunOptions } from "../../simulator/run.ts";
import type { Scenario } from "../../simulator/scenario.ts";
import { STRATEGIES } from "../../simulator/scheduler.ts";
import { STORE_ENGINES } from "../../simulator/stores.ts";
import { findScenario, SCENARIOS } from "../../scenarios/index.ts";
import { parseChoice, parseCount, UsageError } from "../usage.ts";

import { ARCHITECTURES } from "../../simulator/run.ts";

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
  safetyMs?: string;
  faults?: string;
  machine?: string;
  machineExport?: string;
}

/** Everything but scenario and seed, shared by every run of a command. */
export function parseCommon(flags: CommonRunFlags): Omit<RunOptions, "scenario" | "seed"> {
  const disable = (flags.disable ?? []).map((m) => parseChoice(m, "--disable", MITIGATIONS) as Mitigation);
  const architecture = parseChoice(flags.architecture ?? "split", "--architecture", ARCHITECTURES);
  const out: Record<string, unknown> = {
    stores: parseChoice(flags.stores ?? "memory", "--stores", STORE_ENGINES),
    strategy: parseChoice(flags.strategy ?? "random", "--strategy", STRATEGIES),
    disable: [...new Set(disable)].sort(),
    swarm: flags.swarm === true ? true : undefined,
    architecture,
  };
  if (flags.policy !== undefined) out["policy"] = parseChoice(flags.policy, "--policy", POLICIES);
  if (flags.buyers !== undefined) out["workload"] = { buyers: parseCount(flags.buyers, "--buyers", 1) };
  if (flags.safetyMs !== undefined) out["safetyMs"] = parseCount(flags.safetyMs, "--safety-ms", 1);
  if (flags.faults !== undefined) out["faults"] = parseFaultList(flags.faults);
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

/** Restricts a scenario's fault plan to the sites a `--faults` list named, with the scenario's probabilities. */
export function restrictFaults(scenario: Scenario, sites: FaultPlan | undefined): FaultPlan | undefined {
  if (!sites) return undefined;
  return Object.fromEntries(Object.keys(sites).map((s) => [s, scenario.faults[s as FaultSite] ?? 0.1]));
}

export const parseSeed = (value: string, option: string) => parseCount(value, option, 0);
