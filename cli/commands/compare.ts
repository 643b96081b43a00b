// Flags of `compare`: the reservation policies side by side on one workload. The work is in
// cli/actions/compare.ts, imported only when the command runs.
import type { Command } from "commander";

export function defineCompare(program: Command): void {
  program
    .command("compare")
    .description(
      "run one workload under each reservation policy and report its business cost: confirmed, lost to holds, oversells, backorders, apologies, refunds, time to confirmation; with --architectures, the monolith baseline against the split reference, live on a real engine, with a catalog crawler: the article's five failure modes side by side",
    )
    // No commander defaults for the policy flags: `--architectures` must see whether they were given.
    .option("--seeds <n>", "seeds per policy (default 20)")
    .option("--seed <s>", "first seed (seeds are s, s+1, ...; default 1); with --architectures, the seed of the workload")
    .option("--scenario <name>", "run a scenario from `checkout-sim scenarios` instead of the built-in policy-comparison workload")
    .option("--json", "print the report as JSON instead of the table")
    .option("--out <dir>", "write compare.md and compare.json into DIR (with --architectures also compare.html)")
    .option("--machine <file>", "also run your own XState statechart (.ts .mts .js .mjs) as a fourth column; its invoked src names bind to the step library")
    .option("--machine-export <name>", "which machine of --machine FILE, when it exports several (default: its only one)")
    .option("--architectures", "compare the monolith baseline with the split reference, live: latency with a catalog crawler off and on, durable writes per order and per abandoned cart, a reconstruction audit, oversold units, double charges")
    .option("--engine <engine>", "with --architectures: the durable engine, sqlite (a WAL file) or postgres (default sqlite)")
    .option("--buyers <n>", "with --architectures: buyers per run (default 60)")
    .option("--crawler-rps <r>", "with --architectures: catalog searches and product reads per second while the crawler runs (default 300)")
    .option("--duration-ms <d>", "with --architectures: real ms of buyer arrivals per run, five runs per architecture (default 5000)")
    .option("--pg <url>", "with --architectures --engine postgres: the server (default DATABASE_URL, PG* variables, else postgresql://127.0.0.1:5432/test)")
    .action(async (opts: Record<string, unknown>) => {
      if (opts["architectures"]) return (await import("../actions/compareArchitectures.ts")).compareArchitecturesAction(opts);
      return (await import("../actions/compare.ts")).compareAction(opts);
    });
}
