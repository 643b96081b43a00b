// `checkout-sim machine [FILE...] [--policy P] [--format F]`: the checkout statecharts (built-in, or
// every machine the given modules export) and their per-transition contract, as a diagram, a table or
// JSON. The machines are built or loaded only when the command runs.
import type { Command } from "commander";
import { POLICIES } from "../../core/checkout/deps.ts";
import { parseChoice, UsageError } from "../usage.ts";

const FORMATS = ["markdown", "mermaid", "json"] as const;

export function defineMachine(program: Command): void {
  program
    .command("machine")
    .description("print checkout state machines and their per-transition contract (owner, key, timeout, retry, reconciliation, fallback); no FILE: the built-in machines")
    .argument("[file...]", "modules (.ts .mts .js .mjs) whose exported XState machines (default or named) are rendered")
    .option("--policy <policy>", `one built-in reservation policy (${POLICIES.join(", ")}); default: all three`)
    .option("--format <format>", `output format (${FORMATS.join(", ")})`, "markdown")
    .action(async (files: string[], flags: { policy?: string; format: string }) => {
      const format = parseChoice(flags.format, "--format", FORMATS);
      if (files.length > 0) {
        if (flags.policy !== undefined) throw new UsageError("--policy chooses among the built-in machines; with FILE, every machine the file exports is rendered");
        const { machineFilesAction } = await import("../actions/machine.ts");
        process.stdout.write(await machineFilesAction(files, format));
        return;
      }
      const policies = flags.policy === undefined ? POLICIES : [parseChoice(flags.policy, "--policy", POLICIES)];
      const { machineAction } = await import("../actions/machine.ts");
      process.stdout.write(machineAction(policies, format));
    });
}
