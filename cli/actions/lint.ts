// `checkout-sim lint`: loads the machines (built-in, or exported by the user's modules through tsx
// so TypeScript works without a build), lints them, prints one line per finding.
import type { AnyStateMachine } from "xstate";
import { POLICIES } from "../../core/checkout/deps.ts";
import { formatFinding, lintMachine } from "../../core/checkout/lint.ts";
import { createCheckoutMachine } from "../../core/checkout/machine.ts";
import { EXIT } from "../usage.ts";
import { machinesOf } from "./loadMachines.ts";

/** Prints findings to stdout and returns the exit code (0 clean, 1 findings); bad input throws UsageError. */
export async function lintAction(files: readonly string[]): Promise<number> {
  const machines: AnyStateMachine[] = [];
  if (files.length === 0) machines.push(...POLICIES.map(createCheckoutMachine));
  else for (const f of files) machines.push(...(await machinesOf(f, "lint")).map((m) => m.machine));
  const lines = machines.flatMap(lintMachine).map(formatFinding);
  for (const line of lines) process.stdout.write(`${line}\n`);
  const summary = `lint: ${machines.length} machine${machines.length === 1 ? "" : "s"}, ${lines.length} finding${lines.length === 1 ? "" : "s"}`;
  process.stdout.write(`${summary}\n`);
  return lines.length === 0 ? EXIT.ok : EXIT.violation;
}
