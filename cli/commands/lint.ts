// `checkout-sim lint [FILE...]`: checks the built-in checkout machines, or every XState machine the
// given modules export, against the contract rules. Exit 0 clean, 1 findings, 2 bad input.
import type { Command } from "commander";

export function defineLint(program: Command): void {
  program
    .command("lint")
    .description("lint checkout state machines: contract on every transition, reachability, a path to an end, error/timeout paths (no FILE: the built-in machines)")
    .argument("[file...]", "modules (.ts .mts .js .mjs) whose exported XState machines (default or named) are linted")
    .action(async (files: string[]) => {
      const { lintAction } = await import("../actions/lint.ts");
      process.exitCode = await lintAction(files);
    });
}
