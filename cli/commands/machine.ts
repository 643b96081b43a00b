// `checkout-sim machine [--policy P] [--format F]`: the checkout statecharts and their per-transition
// contract, as a diagram, a table or JSON. The machines are built only when the command runs.
import type { Command } from "commander";
import { POLICIES } from "../../core/checkout/deps.ts";
import { parseChoice } from "../usage.ts";

const FORMATS = ["markdown", "mermaid", "json"] as const;

export function defineMachine(program: Command): void {
  program
    .command("machine")
    .description("print the checkout state machines and their per-transition contract (owner, key, timeout, retry, reconciliation, fallback)")
    .option("--policy <policy>", `one reservation policy (${POLICIES.join(", ")}); default: all three`)
    .option("--format <format>", `output format (${FORMATS.join(", ")})`, "markdown")
    .action(async (flags: { policy?: string; format: string }) => {
      const format = parseChoice(flags.format, "--format", FORMATS);
      const policies = flags.policy === undefined ? POLICIES : [parseChoice(flags.policy, "--policy", POLICIES)];
      const { machineAction } = await import("../actions/machine.ts");
      process.stdout.write(machineAction(policies, format));
    });
}
