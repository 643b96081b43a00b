// `checkout-sim bench ...`: performance measurements. A command group so each benchmark is a
// subcommand (`bench inventory` now; `bench simulator` joins it later). Flags are checked here,
// up front; the benchmark code is imported only when a subcommand runs.
import type { Command } from "commander";
import { ENGINES, STRATEGIES, type EngineName, type StrategyName } from "../../bench/inventory/model.ts";
import type { InventoryBenchOptions } from "../../bench/inventory/workload.ts";
import { defaultOptions } from "../../bench/inventory/workload.ts";
import { parseChoice, parseCount, UsageError } from "../usage.ts";

export interface InventoryFlags {
  engine?: string[];
  strategy?: string[];
  buyers?: string;
  hotSkus?: string;
  quantity?: string;
  stock?: string;
  requests?: string;
  durationMs?: string;
  arrivalRate?: string;
  buckets?: string;
  retries?: string;
  pg?: string;
  redis?: string;
  json?: boolean;
  out?: string;
}

const ENGINE_ALIASES: Record<string, readonly EngineName[]> = { sqlite: ["sqlite-normal", "sqlite-full"], all: ENGINES, pg: ["postgres"] };
const BUYERS_MAX = 256;
const INT32_MAX = 2 ** 31 - 1;

/** Accepts repeated flags and comma lists: `--engine memory sqlite`, `--engine memory,postgres`. */
const splitList = (values: readonly string[]) => values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");

function bounded(value: string, option: string, min: number, max: number): number {
  const n = parseCount(value, option, min);
  if (n > max) throw new UsageError(`${option} must be at most ${max}, got ${value}`);
  return n;
}

/** Turns the raw flags into benchmark options, or throws UsageError naming the bad flag. */
export function parseInventoryFlags(flags: InventoryFlags): InventoryBenchOptions {
  const d = defaultOptions();
  const engines = flags.engine === undefined ? d.engines : [...new Set(splitList(flags.engine).flatMap((e) => ENGINE_ALIASES[e] ?? [parseChoice(e, "--engine", [...ENGINES, ...Object.keys(ENGINE_ALIASES)]) as EngineName]))];
  const strategies = flags.strategy === undefined ? d.strategies : [...new Set(splitList(flags.strategy).map((s) => parseChoice(s, "--strategy", STRATEGIES) as StrategyName))];
  if (engines.length === 0) throw new UsageError("--engine needs at least one engine");
  if (strategies.length === 0) throw new UsageError("--strategy needs at least one strategy");
  if (flags.requests !== undefined && flags.durationMs !== undefined) throw new UsageError("give either --requests or --duration-ms, not both");
  const pick = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [P in K]: V }));
  return {
    engines,
    strategies,
    buyers: flags.buyers === undefined ? d.buyers : bounded(flags.buyers, "--buyers", 1, BUYERS_MAX),
    hotSkus: flags.hotSkus === undefined ? d.hotSkus : bounded(flags.hotSkus, "--hot-skus", 1, 10_000),
    quantity: flags.quantity === undefined ? d.quantity : bounded(flags.quantity, "--quantity", 1, 1_000_000),
    buckets: flags.buckets === undefined ? d.buckets : bounded(flags.buckets, "--buckets", 1, 1024),
    retriesMax: flags.retries === undefined ? d.retriesMax : bounded(flags.retries, "--retries", 0, 10_000),
    ...pick("stock", flags.stock === undefined ? undefined : bounded(flags.stock, "--stock", 1, INT32_MAX)),
    ...pick("requests", flags.requests === undefined ? undefined : bounded(flags.requests, "--requests", 1, 100_000_000)),
    ...pick("durationMs", flags.durationMs === undefined ? undefined : bounded(flags.durationMs, "--duration-ms", 1, 3_600_000)),
    ...pick("arrivalRate", flags.arrivalRate === undefined ? undefined : bounded(flags.arrivalRate, "--arrival-rate", 1, 100_000_000)),
    ...pick("pgUrl", flags.pg === undefined ? undefined : checkUrl(flags.pg)),
    ...pick("redisUrl", flags.redis === undefined ? undefined : checkRedisUrl(flags.redis)),
  };
}

function checkUrl(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`--pg must be a postgresql:// URL, got ${JSON.stringify(url)}`);
  return url;
}

function checkRedisUrl(url: string): string {
  if (!/^rediss?:\/\//.test(url)) throw new UsageError(`--redis must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  return url;
}

export function defineBench(program: Command): void {
  const bench = program.command("bench").description("Measure performance: inventory contention strategies across engines, and the simulator itself");
  bench
    .command("inventory")
    .description("Reservation strategies x engines on hot SKUs: throughput, latency, aborts, and a stock audit per cell (oversell must be 0)")
    .option("--engine <engines...>", `engines: ${ENGINES.join(", ")} (sqlite = both sqlite modes; default all; redis runs conditional, optimistic and broken)`)
    .option("--strategy <strategies...>", `strategies: ${STRATEGIES.join(", ")} (default all but broken)`)
    .option("--buyers <n>", "concurrent buyers = connections (default 8)")
    .option("--hot-skus <k>", "hot SKUs the buyers compete for (default 1)")
    .option("--quantity <q>", "units per reservation (default 1)")
    .option("--stock <s>", "units per hot SKU (default: enough for every request)")
    .option("--requests <n>", "requests per cell")
    .option("--duration-ms <d>", "time per cell in ms (default 400)")
    .option("--arrival-rate <r>", "open loop: requests per second arriving regardless of latency")
    .option("--buckets <k>", "stock rows per SKU for the buckets strategy (default 16)")
    .option("--retries <n>", "optimistic compare-and-set retries (default 16)")
    .option("--pg <url>", "PostgreSQL URL (default: PG* variables, else postgresql://127.0.0.1:5432/test)")
    .option("--redis <url>", "Redis URL (default: REDIS_URL, else redis://127.0.0.1:6379)")
    .option("--json", "print the JSON report on stdout")
    .option("--out <dir>", "write inventory-bench.md and inventory-bench.json to this directory")
    .action(async (flags: InventoryFlags) => {
      const options = parseInventoryFlags(flags);
      const { runInventoryCommand } = await import("../../bench/inventory/command.ts");
      process.exitCode = await runInventoryCommand(options, { json: flags.json === true, ...(flags.out !== undefined ? { outDir: flags.out } : {}) });
    });
  bench
    .command("simulator")
    .description("Simulated checkouts per second on memory stores with every checker on, and the overhead ratio to the same checkouts run straight")
    .option("--time-ms <ms>", "time per tinybench task (default 3000)")
    .option("--json", "print { checkoutsPerSecond, overheadRatio, ... } as JSON")
    .action(async (flags: { timeMs?: string; json?: boolean }) => {
      const timeMs = flags.timeMs === undefined ? 3000 : bounded(flags.timeMs, "--time-ms", 100, 600_000);
      const { benchSimulator } = await import("../../bench/simulator/simulatorBench.ts");
      if (!flags.json) process.stderr.write(`bench simulator: ${timeMs} ms per task on memory stores...\n`);
      const result = await benchSimulator({ timeMs });
      if (flags.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
      else
        process.stdout.write(
          `simulated: ${result.checkoutsPerSecond} checkouts/s (${result.stepsPerSecond} scheduler steps/s, ${result.checkoutsPerRun} checkouts per run)\n` +
            `straight:  ${result.straightCheckoutsPerSecond} checkouts/s (coordinator + memory stores, no harness)\n` +
            `overhead ratio: ${result.overheadRatio}x (target <= 5); target 20,000 checkouts/s per core\n`,
        );
    });
}
