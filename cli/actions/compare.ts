// `checkout-sim compare`: the same workload and seeds under each reservation policy, costed out.
// Flags are checked before any run, so bad input exits 2 with nothing written.
import { join } from "node:path";
import type { Scenario } from "../../simulator/scenario.ts";
import { policyComparison } from "../../scenarios/policyComparison.ts";
import { POLICIES } from "../../core/checkout/deps.ts";
import { EXIT, parseCount, UsageError } from "../usage.ts";
import { checkWritableDir, Progress, writeAtomic } from "./output.ts";
import { parseSeed, scenarioByName } from "./runOptions.ts";
import { loadMachineFlag, type MachineFlags } from "./machineOption.ts";

interface CompareFlags extends MachineFlags {
  seeds?: string;
  seed?: string;
  scenario?: string;
  json?: boolean;
  out?: string;
}

/** The flags that only `--architectures` takes: refused without it, so a typo does not run the policies silently. */
const ARCHITECTURE_FLAGS = { engine: "--engine", buyers: "--buyers", crawlerRps: "--crawler-rps", durationMs: "--duration-ms", pg: "--pg" } as const;

function refuseArchitectureFlags(flags: object): void {
  for (const [key, flag] of Object.entries(ARCHITECTURE_FLAGS))
    if ((flags as Record<string, unknown>)[key] !== undefined) throw new UsageError(`${flag} applies to compare --architectures only`);
}

/** Each run takes a few ms of wall time; the bound keeps a typo from running for hours. */
const SEEDS_MAX = 10_000;

export async function compareAction(flags: CompareFlags): Promise<void> {
  refuseArchitectureFlags(flags);
  const seeds = parseCount(flags.seeds ?? "20", "--seeds", 1);
  if (seeds > SEEDS_MAX) throw new UsageError(`--seeds must be at most ${SEEDS_MAX}, got ${seeds}`);
  const firstSeed = parseSeed(flags.seed ?? "1", "--seed");
  const scenario: Scenario = flags.scenario === undefined || flags.scenario === policyComparison.name ? policyComparison : scenarioByName(flags.scenario);
  if (flags.out !== undefined) checkWritableDir(flags.out, "--out");
  const own = await loadMachineFlag(flags);
  const machines = own ? [{ label: own.label, coordinator: own.coordinator }] : [];
  const columns = POLICIES.length + machines.length;

  const { comparePolicies } = await import("../../simulator/compare.ts");
  const { renderCompareMarkdown } = await import("../../reports/compare.ts");
  const progress = new Progress(columns * seeds);
  progress.line(`checkout-sim compare: ${scenario.name} x ${POLICIES.length} policies${own ? ` and machine ${own.label}` : ""} x ${seeds} seeds (from ${firstSeed})`);
  let done = 0;
  let current = "";
  let confirmed = 0;
  let runs = 0;
  const report = await comparePolicies({
    scenario,
    seeds,
    firstSeed,
    machines,
    onRun: (policy, seed, cost) => {
      if (policy !== current) {
        current = policy;
        confirmed = 0;
        runs = 0;
      }
      done++;
      runs++;
      confirmed += cost.confirmed;
      progress.tick(done, `${policy} seed ${seed}`);
      if (runs === seeds) progress.line(`${policy}: ${confirmed} confirmed over ${seeds} seeds`);
    },
  });
  progress.end();

  const json = JSON.stringify(report, null, 2) + "\n";
  const markdown = renderCompareMarkdown(report);
  if (flags.out !== undefined) {
    writeAtomic(join(flags.out, "compare.json"), json);
    writeAtomic(join(flags.out, "compare.md"), markdown);
  }
  process.stdout.write(flags.json ? json : markdown);
  process.exitCode = EXIT.ok;
}
