// `checkout-sim/vitest`: puts the harness in a team's own vitest suite. checkoutSuite registers one
// test per scenario x seed that runs the scenario against the team's stores or coordinator; a
// violation fails the test with the shrunk counterexample and the replay, the same report `run` prints,
// so a red test in CI is already a minimal, reproducible bug report.
import { describe, it } from "vitest";
import {
  counterexample,
  findScenario,
  replayCommand,
  runScenario,
  shrink,
  type Coordinator,
  type InvariantName,
  type RunOptions,
  type RunResult,
  type Scenario,
  type StoresChoice,
  type Violation,
} from "./index.ts";

export interface CheckoutSuiteOptions {
  /** The stores to test: `"memory"`, `"sqlite"`, or a factory with your own adapters. Default `"memory"`. */
  readonly stores?: StoresChoice;
  /** Your own coordinator; default the reference statecharts. */
  readonly coordinator?: Coordinator;
  /** Scenarios by name (`npx checkout-sim scenarios`) or as your own `Scenario` objects. At least one. */
  readonly scenarios: readonly (string | Scenario)[];
  /** Seeds to run per scenario: a list, or a count N meaning seeds 1..N. At least one. */
  readonly seeds: readonly number[] | number;
  /** Any other run option (policy, disable, swarm, strategy, workload, faults, safetyMs...), for every case. */
  readonly run?: Omit<RunOptions, "scenario" | "seed" | "stores" | "coordinator">;
  /** Upper bound on candidate runs while shrinking a failure; default 30. */
  readonly shrinkTriesMax?: number;
  /**
   * `"hold"` (default): a test fails on a violation. `"violation"`: a test fails unless some invariant is
   * violated, for keeping a known-broken adapter as proof that the checkers catch its bug.
   */
  readonly expect?: "hold" | "violation";
  /** A verdict of "unknown" (the world never settled) fails the test unless this is true; default false. */
  readonly allowUnknown?: boolean;
  /** Per-test timeout in ms, shrinking included; default 120000. */
  readonly timeoutMs?: number;
  /** The describe block's name; default "checkout-sim". */
  readonly name?: string;
}

/** One scenario x seed: what checkoutSuite registers as a test. */
export interface CheckoutCase {
  readonly name: string;
  readonly options: RunOptions;
  /** Runs the scenario; resolves with the result when it met `expect`, rejects with CheckoutViolation when not. */
  run(): Promise<RunResult>;
}

/** The failure a case throws: the message is the report; the runs are kept for a debugger. */
export class CheckoutViolation extends Error {
  override readonly name = "CheckoutViolation";
  constructor(
    message: string,
    readonly result: RunResult,
    readonly shrunk?: { readonly options: RunOptions; readonly result: RunResult },
  ) {
    super(message);
  }
}

/** Registers one vitest test per scenario x seed (inside a describe block), each running checkoutCases' case. */
export function checkoutSuite(options: CheckoutSuiteOptions): readonly CheckoutCase[] {
  const cases = checkoutCases(options);
  const timeout = options.timeoutMs ?? 120_000;
  describe(options.name ?? "checkout-sim", () => {
    for (const c of cases)
      it(c.name, async () => {
        await c.run();
      }, timeout);
  });
  return cases;
}

/** The cases checkoutSuite would register, without registering them (to run or inspect directly). */
export function checkoutCases(options: CheckoutSuiteOptions): CheckoutCase[] {
  const scenarios = requireScenarios(options.scenarios);
  const seeds = requireSeeds(options.seeds);
  const triesMax = options.shrinkTriesMax ?? 30;
  return scenarios.flatMap((scenario) =>
    seeds.map((seed): CheckoutCase => {
      const runOptions: RunOptions = {
        ...options.run,
        scenario,
        seed,
        ...(options.stores !== undefined ? { stores: options.stores } : {}),
        ...(options.coordinator !== undefined ? { coordinator: options.coordinator } : {}),
      };
      return {
        name: `${scenario.name} seed ${seed}`,
        options: runOptions,
        run: () => (options.expect === "violation" ? expectViolation(runOptions) : runCase(runOptions, triesMax, options.allowUnknown ?? false)),
      };
    }),
  );
}

async function runCase(options: RunOptions, triesMax: number, allowUnknown: boolean): Promise<RunResult> {
  const result = await runScenario(options);
  if (result.check.valid === true || (result.check.valid === "unknown" && allowUnknown)) return result;
  if (result.check.valid === "unknown") {
    const notes = result.check.verdicts.filter((v) => v.valid === "unknown").map((v) => `  ${v.invariant}: ${v.note ?? "unknown"}`);
    throw new CheckoutViolation(
      [`${options.scenario.name} seed ${options.seed}: no invariant was violated, but some could not be judged:`, ...notes, "", `replay: ${replayCommand(options)}`].join("\n"),
      result,
    );
  }
  const invariant = pickInvariant(result.violations);
  const shrunk = await shrink(options, invariant, result, { triesMax });
  const first = focused(shrunk.result, invariant);
  const others = [...new Set(result.violations.map((v) => v.invariant))].filter((i) => i !== invariant);
  const lines = [
    `${options.scenario.name} seed ${options.seed}: ${invariant} violated: ${result.violations.find((v) => v.invariant === invariant)?.message ?? ""}`,
    ...(others.length > 0 ? [`also violated: ${others.join(", ")}`] : []),
    "",
    `shrunk counterexample (${describeSize(shrunk.options)}; ${shrunk.tries} candidate runs):`,
    ...counterexample(first, invariant),
    "",
    `replay: ${replayCommand(shrunk.options)}`,
    `replay in code: runScenario(${describeOptions(shrunk.options)}) gives trace ${shrunk.result.traceHash}`,
  ];
  throw new CheckoutViolation(lines.join("\n"), result, shrunk);
}

async function expectViolation(options: RunOptions): Promise<RunResult> {
  const result = await runScenario(options);
  if (result.check.valid === false) return result;
  throw new CheckoutViolation(
    `${options.scenario.name} seed ${options.seed}: expected a violation, but every invariant ${result.check.valid === true ? "held" : "held or could not be judged"} (trace ${result.traceHash})`,
    result,
  );
}

/** The invariant to shrink on: the first violated, in the order the checkers list them. */
function pickInvariant(violations: readonly Violation[]): InvariantName {
  const first = violations[0];
  if (first === undefined) throw new Error("checkout-sim/vitest: a run with check.valid === false listed no violation");
  return first.invariant;
}

/**
 * `counterexample` follows the entities of the invariant's first violation; one that names orders or
 * checkouts picks out their steps, while one naming only a SKU x location matches few, so it goes first.
 */
function focused(result: RunResult, invariant: InvariantName): RunResult {
  const own = result.violations.filter((v) => v.invariant === invariant);
  const best = own.find((v) => ["order", "orders", "checkout"].some((k) => v.entities[k] !== undefined)) ?? own[0];
  return best === undefined ? result : { ...result, violations: [best, ...result.violations.filter((v) => v !== best)] };
}

function describeSize(options: RunOptions): string {
  const buyers = options.workload?.buyers ?? options.scenario.workload?.buyers ?? "default";
  const sites = Object.keys(options.faults ?? options.scenario.faults);
  return `${buyers} buyers, faults: ${sites.join(", ") || "none"}${options.safetyMs !== undefined ? `, safety phase ${options.safetyMs} ms` : ""}`;
}

/** The overrides that matter for a replay, as the object literal to pass (stores and coordinator stay yours). */
function describeOptions(options: RunOptions): string {
  const parts = [`scenario: findScenario(${JSON.stringify(options.scenario.name)})!`, `seed: ${options.seed}`];
  if (options.workload !== undefined) parts.push(`workload: ${JSON.stringify(options.workload)}`);
  if (options.faults !== undefined) parts.push(`faults: ${JSON.stringify(options.faults)}`);
  if (options.safetyMs !== undefined) parts.push(`safetyMs: ${options.safetyMs}`);
  if (options.policy !== undefined) parts.push(`policy: ${JSON.stringify(options.policy)}`);
  if (options.disable !== undefined && options.disable.length > 0) parts.push(`disable: ${JSON.stringify(options.disable)}`);
  if (typeof options.stores === "function") parts.push("stores: <your factory>");
  else if (options.stores !== undefined) parts.push(`stores: ${JSON.stringify(options.stores)}`);
  if (options.coordinator !== undefined) parts.push("coordinator: <yours>");
  return `{ ${parts.join(", ")} }`;
}

function requireScenarios(scenarios: readonly (string | Scenario)[]): Scenario[] {
  if (!Array.isArray(scenarios) || scenarios.length === 0) throw new Error("checkoutSuite: scenarios must name at least one scenario");
  return scenarios.map((s) => {
    if (typeof s !== "string") return s;
    const found = findScenario(s);
    if (found === undefined) throw new Error(`checkoutSuite: unknown scenario ${JSON.stringify(s)} (see \`npx checkout-sim scenarios\`)`);
    return found;
  });
}

function requireSeeds(seeds: readonly number[] | number): number[] {
  const list = typeof seeds === "number" ? (Number.isSafeInteger(seeds) && seeds >= 1 ? Array.from({ length: seeds }, (_, i) => i + 1) : []) : [...seeds];
  if (list.length === 0) throw new Error(`checkoutSuite: seeds must be a count >= 1 or a non-empty list, got ${JSON.stringify(seeds)}`);
  const bad = list.find((s) => !Number.isSafeInteger(s) || s < 0);
  if (bad !== undefined) throw new Error(`checkoutSuite: every seed must be a non-negative integer, got ${JSON.stringify(bad)}`);
  return list;
}
