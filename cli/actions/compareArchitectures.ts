// `checkout-sim compare --architectures`: the monolith baseline and the split reference on one real
// engine, live, side by side (simulator/live/compareArchitectures.ts). Flags are checked and the engine
// probed before any run, so bad input or a server that is down exits 2 with nothing written. The exit
// code is 0 otherwise: the monolith failing is the finding, not an error.
import { join } from "node:path";
import { EXIT, parseChoice, parseCount, UsageError } from "../usage.ts";
import { checkWritableDir, writeAtomic } from "./output.ts";
import { parseSeed } from "./runOptions.ts";

interface ArchitectureFlags {
  architectures?: boolean;
  engine?: string;
  buyers?: string;
  crawlerRps?: string;
  durationMs?: string;
  pg?: string;
  seed?: string;
  json?: boolean;
  out?: string;
  seeds?: string;
  scenario?: string;
  machine?: string;
  machineExport?: string;
}

/** The policy comparison's flags have no meaning here: refused rather than ignored. */
const POLICY_FLAGS = { seeds: "--seeds", scenario: "--scenario", machine: "--machine", machineExport: "--machine-export" } as const;

const ENGINES = ["sqlite", "postgres"] as const;
/** Bounds that keep a typo from running for hours or starving the machine. */
const BUYERS_MAX = 10_000;
const CRAWLER_RPS_MAX = 100_000;
const DURATION_MS_MIN = 500;
const DURATION_MS_MAX = 600_000;

export async function compareArchitecturesAction(flags: ArchitectureFlags): Promise<void> {
  for (const [key, flag] of Object.entries(POLICY_FLAGS))
    if (flags[key as keyof typeof POLICY_FLAGS] !== undefined) throw new UsageError(`${flag} does not apply to compare --architectures (it compares reservation policies); drop it or drop --architectures`);
  const engine = parseChoice(flags.engine ?? "sqlite", "--engine", ENGINES);
  const buyers = bounded(flags.buyers, "--buyers", 1, BUYERS_MAX);
  const crawlerRps = bounded(flags.crawlerRps, "--crawler-rps", 1, CRAWLER_RPS_MAX);
  const durationMs = bounded(flags.durationMs, "--duration-ms", DURATION_MS_MIN, DURATION_MS_MAX);
  const seed = parseSeed(flags.seed ?? "1", "--seed");
  if (flags.pg !== undefined && engine !== "postgres") throw new UsageError("--pg needs --engine postgres");
  if (flags.out !== undefined) checkWritableDir(flags.out, "--out");
  if (engine === "postgres") {
    const { pgConfig, probePostgres } = await import("../../adapters/postgres/connection.ts");
    const probe = await probePostgres(pgConfig(flags.pg));
    if (!probe.ok) throw new UsageError(`compare --architectures --engine postgres: ${probe.reason}`);
  }

  const { compareArchitectures } = await import("../../simulator/live/compareArchitectures.ts");
  const { renderArchitecturesHtml, renderArchitecturesMarkdown } = await import("../../reports/architectures.ts");
  process.stderr.write(`checkout-sim compare --architectures on ${engine}: monolith and split, five live runs each (faults, then crawler off, on, on, off); real time, not deterministic\n`);
  const started = performance.now(); // live mode: real time (progress only)
  const report = await compareArchitectures({
    engine,
    seed,
    ...(buyers !== undefined ? { buyers } : {}),
    ...(crawlerRps !== undefined ? { crawlerRps } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(flags.pg !== undefined ? { pgUrl: flags.pg } : {}),
    onProgress: (line) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`), // live mode: real time
  });

  const json = JSON.stringify(report, null, 2) + "\n";
  const markdown = renderArchitecturesMarkdown(report);
  if (flags.out !== undefined) {
    writeAtomic(join(flags.out, "compare.json"), json);
    writeAtomic(join(flags.out, "compare.md"), markdown);
    writeAtomic(join(flags.out, "compare.html"), renderArchitecturesHtml(report));
  }
  process.stdout.write(flags.json ? json : markdown);
  process.exitCode = EXIT.ok;
}

function bounded(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = parseCount(value, option, min);
  if (n > max) throw new UsageError(`${option} must be at most ${max}, got ${n}`);
  return n;
}
