// The worked example of the public API: a team runs the simulator's scenarios, faults and checkers
// against its own inventory adapter, using nothing but the package root. `--broken` swaps in the
// variant with a sales-journal bug to show a violation, its shrunk counterexample and the replay.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import {
  FAULT_SITES,
  WORKLOAD_FLAGS,
  counterexample,
  describeShrink,
  parseFiringId,
  createMemoryStores,
  findScenario,
  replayCommand,
  runScenario,
  shrink,
  type FaultPlan,
  type FaultSite,
  type InvariantName,
  type RunOptions,
  type RunResult,
  type Scenario,
  type StoresFactory,
  type Violation,
  type WorkloadConstraints,
} from "../../index.ts";
import { OurInventory } from "./ourInventory.ts";
import { BrokenInventory } from "./brokenInventory.ts";

/** Contention on a hot SKU, and a coordinator that crashes and recovers mid-checkout. */
export const EXAMPLE_SCENARIOS = ["flash-sale", "coordinator-crash"] as const;
/** Seeds 1..5 per scenario: the broken adapter is caught within them (see example.test.ts). */
export const EXAMPLE_SEEDS = [1, 2, 3, 4, 5] as const;

/** Every store from the package's memory adapters except inventory, which is ours. */
export function ourStores(broken = false): StoresFactory {
  return (clock) => ({ ...createMemoryStores(clock), inventory: broken ? new BrokenInventory({ clock }) : new OurInventory({ clock }) });
}

export interface ExampleOptions {
  /** Use the adapter with the sales-journal bug. Default false. */
  readonly broken?: boolean;
  /** Scenario names. Default EXAMPLE_SCENARIOS. */
  readonly scenarios?: readonly string[];
  /** Default EXAMPLE_SEEDS. */
  readonly seeds?: readonly number[];
  /** Replay overrides, as a shrunk counterexample prints them. */
  readonly buyers?: number;
  /** Further workload overrides (skus, stock per sku, ...); `buyers` above wins over `workload.buyers`. */
  readonly workload?: WorkloadConstraints;
  /** Only these fault firings (`SITE@PROCESS/DETAIL#N`) may fire. */
  readonly faultFirings?: readonly string[];
  readonly safetyMs?: number;
  readonly faultSites?: readonly FaultSite[];
  /** Upper bound on candidate runs while shrinking the first failure. Default 30. */
  readonly shrinkTriesMax?: number;
  /** Where lines go. Default console.log. */
  readonly log?: (line: string) => void;
}

export interface ExampleRun {
  readonly options: RunOptions;
  readonly result: RunResult;
}

export interface ShrunkFailure {
  readonly invariant: InvariantName;
  readonly options: RunOptions;
  readonly result: RunResult;
  /** Numbered readable steps ending in the violation. */
  readonly steps: readonly string[];
  /** The command that replays the shrunk run with this example's adapter. */
  readonly replay: string;
}

export interface ExampleResult {
  readonly runs: readonly ExampleRun[];
  /** The first failing run, shrunk; absent when every run passed. */
  readonly shrunk?: ShrunkFailure;
  /** 0 when no run violated an invariant, 1 otherwise (the CI contract). */
  readonly exitCode: 0 | 1;
}

export async function runExample(o: ExampleOptions = {}): Promise<ExampleResult> {
  const log = o.log ?? console.log;
  const broken = o.broken ?? false;
  const stores = ourStores(broken);
  const runs: ExampleRun[] = [];
  log(`inventory adapter: ${broken ? "BrokenInventory (sales journal settled by the sweep)" : "OurInventory (legacy bare quantity + holds)"}`);
  for (const name of o.scenarios ?? EXAMPLE_SCENARIOS) {
    const scenario = scenarioNamed(name);
    for (const seed of o.seeds ?? EXAMPLE_SEEDS) {
      const options: RunOptions = {
        scenario,
        seed,
        stores,
        ...(o.buyers !== undefined || o.workload !== undefined ? { workload: { ...o.workload, ...(o.buyers !== undefined ? { buyers: o.buyers } : {}) } } : {}),
        ...(o.faultFirings !== undefined ? { faultFirings: o.faultFirings } : {}),
        ...(o.safetyMs !== undefined ? { safetyMs: o.safetyMs } : {}),
        ...(o.faultSites !== undefined ? { faults: restrictFaults(scenario, o.faultSites) } : {}),
      };
      const result = await runScenario(options);
      runs.push({ options, result });
      log(verdictLine(result));
    }
  }

  const failing = runs.find((r) => r.result.check.valid === false);
  if (failing === undefined) return { runs, exitCode: 0 };
  const invariant = pickInvariant(failing.result.violations);
  log("");
  log(`shrinking ${failing.result.scenario} seed ${failing.result.seed} on ${invariant}...`);
  const shrunk = await shrink(failing.options, invariant, failing.result, { triesMax: o.shrinkTriesMax ?? 30 });
  const steps = counterexample(focused(shrunk.result, invariant), invariant);
  const replay = exampleReplay(shrunk.options, broken);
  log(`counterexample (${describeSize(shrunk.options)}; ${describeShrink(shrunk)}):`);
  for (const step of steps) log(step);
  log(`replay: ${replay}`);
  log(`trace hash of the shrunk run: ${shrunk.result.traceHash}`);
  return { runs, shrunk: { invariant, options: shrunk.options, result: shrunk.result, steps, replay }, exitCode: 1 };
}

/** Command-line entry: flags in, exit code out (2 on bad input). */
export async function main(args: readonly string[], log: (line: string) => void = console.log, logError: (line: string) => void = console.error): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args: [...args],
      options: {
        broken: { type: "boolean", default: false },
        scenario: { type: "string", multiple: true },
        seed: { type: "string" },
        buyers: { type: "string" },
        "safety-ms": { type: "string" },
        faults: { type: "string" },
        firings: { type: "string" },
        ...Object.fromEntries(WORKLOAD_FLAGS.filter(([dim]) => dim !== "buyers").map(([, flag]) => [flag.slice(2), { type: "string" as const }])),
        trace: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
    for (const name of flags.scenario ?? []) scenarioNamed(name);
  } catch (err) {
    logError(`usage: ${err instanceof Error ? err.message : String(err)}`);
    logError("npx tsx examples/own-adapter/run.ts [--broken] [--scenario <name>]... [--seed <n>] [--buyers <n>] [--safety-ms <ms>] [--faults <site,...|none>] [--firings <site@process/detail#n,...|none>] [--skus <n>] [--stock-per-sku <n>] [--lines-max <n>] [--quantity-max <n>] [--arrival-window-ms <ms>] [--buyer-retries <n>] [--trace <file>]");
    return 2;
  }
  const seed = flags.seed === undefined ? undefined : count(flags.seed, "--seed", 0, logError);
  const buyers = flags.buyers === undefined ? undefined : count(flags.buyers, "--buyers", 1, logError);
  const safetyMs = flags["safety-ms"] === undefined ? undefined : count(flags["safety-ms"], "--safety-ms", 1, logError);
  const faultSites = flags.faults === undefined ? undefined : siteList(flags.faults, logError);
  const workload: Record<string, number> = {};
  for (const [dim, flag] of WORKLOAD_FLAGS) {
    const value = (flags as Record<string, unknown>)[flag.slice(2)];
    if (dim === "buyers" || typeof value !== "string") continue;
    const n = count(value, flag, 0, logError);
    if (n === null) return 2;
    workload[dim] = n;
  }
  const firings = flags.firings === undefined || flags.firings === "none" ? (flags.firings === undefined ? undefined : []) : flags.firings.split(",");
  if (firings?.some((id) => parseFiringId(id) === undefined)) {
    logError(`usage: --firings must be SITE@PROCESS[/DETAIL]#N,... or none, got ${JSON.stringify(flags.firings)}`);
    return 2;
  }
  if (seed === null || buyers === null || safetyMs === null || faultSites === null) return 2;
  const result = await runExample({
    broken: flags.broken ?? false,
    ...(flags.scenario ? { scenarios: flags.scenario } : {}),
    ...(seed !== undefined ? { seeds: [seed] } : {}),
    ...(buyers !== undefined ? { buyers } : {}),
    ...(safetyMs !== undefined ? { safetyMs } : {}),
    ...(faultSites !== undefined ? { faultSites } : {}),
    ...(Object.keys(workload).length > 0 ? { workload } : {}),
    ...(firings !== undefined ? { faultFirings: firings } : {}),
    log,
  });
  const last = result.runs.at(-1);
  if (flags.trace !== undefined && last !== undefined) {
    writeFileSync(flags.trace, last.result.history.toJsonLines());
    log(`trace of ${last.result.scenario} seed ${last.result.seed} written to ${flags.trace}`);
  }
  const failed = result.runs.filter((r) => r.result.check.valid === false).length;
  log("");
  log(failed === 0 ? `all ${result.runs.length} runs held every invariant` : `${failed} of ${result.runs.length} runs violated an invariant`);
  return result.exitCode;
}

function verdictLine(r: RunResult): string {
  const verdict = r.check.valid === true ? "PASS   " : r.check.valid === false ? "FAIL   " : "UNKNOWN";
  const outcomes = Object.entries(r.stats.outcomes).map(([k, n]) => `${n} ${k}`).join(", ");
  const head = `${verdict} ${r.scenario} seed ${r.seed}  trace ${r.traceHash}  (${outcomes})`;
  const first = r.violations[0];
  return first === undefined ? head : `${head}\n        ${first.invariant}: ${first.message}${r.violations.length > 1 ? ` (+${r.violations.length - 1} more)` : ""}`;
}

/** Stock bugs first: they are what this example is about. */
function pickInvariant(violations: readonly Violation[]): InvariantName {
  const preferred: InvariantName[] = ["no-oversell", "paid-orders-have-stock"];
  return (violations.find((v) => preferred.includes(v.invariant)) ?? violations[0]!).invariant;
}

/**
 * `counterexample` follows the entities of the invariant's first violation. A store-level one names
 * only SKU x location, which operation summaries do not carry; the one naming the sold orders picks
 * out their checkouts' steps, so it goes first.
 */
function focused(result: RunResult, invariant: InvariantName): RunResult {
  const own = result.violations.filter((v) => v.invariant === invariant);
  const best = own.find((v) => v.entities["orders"] !== undefined || v.entities["order"] !== undefined) ?? own[0];
  return best === undefined ? result : { ...result, violations: [best, ...result.violations.filter((v) => v !== best)] };
}

/**
 * `replayCommand` names the CLI, which can only load the built-in stores; this example's own flags
 * take the same overrides, so the tail of that command carries over unchanged.
 */
function exampleReplay(options: RunOptions, broken: boolean): string {
  const cli = replayCommand(options).replace(/ # .*$/, ""); // drop the "your own stores" remark: this command loads them
  const prefix = `npx checkout-sim replay ${options.scenario.name} `;
  const tail = cli.startsWith(prefix) ? cli.slice(prefix.length) : `--seed ${options.seed}`;
  return `npx tsx examples/own-adapter/run.ts${broken ? " --broken" : ""} --scenario ${options.scenario.name} ${tail}`;
}

function describeSize(options: RunOptions): string {
  const buyers = options.workload?.buyers ?? options.scenario.workload?.buyers;
  const sites = Object.keys(options.faults ?? options.scenario.faults);
  return `${buyers ?? "default"} buyers, faults: ${sites.join(", ") || "none"}`;
}

function scenarioNamed(name: string): Scenario {
  const scenario = findScenario(name);
  if (scenario === undefined) throw new Error(`unknown scenario ${JSON.stringify(name)} (see \`npx checkout-sim scenarios\`)`);
  return scenario;
}

/** The shrinker keeps a subset of the scenario's own sites at the scenario's probabilities. */
function restrictFaults(scenario: Scenario, sites: readonly FaultSite[]): FaultPlan {
  return Object.fromEntries(sites.map((s) => [s, scenario.faults[s] ?? 0.1]));
}

function count(value: string, flag: string, min: number, logError: (line: string) => void): number | null {
  const n = Number(value);
  if (/^\d+$/.test(value) && Number.isSafeInteger(n) && n >= min) return n;
  logError(`usage: ${flag} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return null;
}

function siteList(value: string, logError: (line: string) => void): FaultSite[] | null {
  if (value === "none") return [];
  const sites = value.split(",").filter((s) => s.length > 0);
  const unknown = sites.find((s) => !(FAULT_SITES as readonly string[]).includes(s));
  if (unknown === undefined) return sites as FaultSite[];
  logError(`usage: --faults: unknown fault site ${JSON.stringify(unknown)} (one of ${FAULT_SITES.join(", ")})`);
  return null;
}

// Run as a script (`npx tsx examples/own-adapter/run.ts`), not when a test imports it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
