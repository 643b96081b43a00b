// Flags of `compare`: the reservation policies side by side on one workload. The work is in
// cli/actions/compare.ts, imported only when the command runs.
import type { Command } from "commander";

export function defineCompare(program: Command): void {
  program
    .command("compare")
    .description("run one workload under each reservation policy and report its business cost: confirmed, lost to holds, oversells, backorders, apologies, refunds, time to confirmation")
    .option("--seeds <n>", "seeds per policy", "20")
    .option("--seed <s>", "first seed (seeds are s, s+1, ...)", "1")
    .option("--scenario <name>", "run a scenario from `checkout-sim scenarios` instead of the built-in policy-comparison workload")
    .option("--json", "print { workload, seeds, policies: [...] } as JSON instead of the table")
    .option("--out <dir>", "write compare.md and compare.json into DIR")
    .option("--machine <file>", "also run your own XState statechart (.ts .mts .js .mjs) as a fourth column; its invoked src names bind to the step library")
    .option("--machine-export <name>", "which machine of --machine FILE, when it exports several (default: its only one)")
    .action(async (opts: Record<string, unknown>) => (await import("../actions/compare.ts")).compareAction(opts));
}
