// Flags of `merge`: combine the reports of a sharded run. The work is in cli/actions/merge.ts.
import type { Command } from "commander";

export function defineMerge(program: Command): void {
  program
    .command("merge")
    .description("merge the report.json of each shard (`run --shard I/N --out DIR`) into one report; exit 0 when every invariant held, 1 on a violation or a vacuous run, 2 on bad input")
    .argument("<dir...>", "directories written by `run --out` (one per shard)")
    .option("--out <dir>", "write the merged report.md, report.json and report.html into DIR")
    .option("--junit <file>", "write the merged JUnit XML")
    .option("--json", "print the merged result as JSON instead of the table")
    .option("--allow-vacuous", "exit 0 even when a scenario's declared condition happened in no seed of any shard")
    .action(async (dirs: string[], opts: Record<string, unknown>) => (await import("../actions/merge.ts")).mergeAction(dirs, opts));
}
