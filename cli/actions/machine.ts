// `checkout-sim machine`: renders the contract of the chosen built-in policies' machines, or of every
// machine a user's modules export (loaded the way `lint` loads them).
import { describeMachine } from "../../core/checkout/describe.ts";
import type { ReservationPolicy } from "../../core/checkout/deps.ts";
import { createCheckoutMachine } from "../../core/checkout/machine.ts";
import { renderMachines } from "../../reports/machine.ts";
import type { MachineFormat } from "../../reports/machine.ts";
import { machinesOf } from "./loadMachines.ts";

export function machineAction(policies: readonly ReservationPolicy[], format: MachineFormat): string {
  return renderMachines(
    policies.map((p) => describeMachine(createCheckoutMachine(p), p)),
    format,
  );
}

/** The machines each file exports, in file then export order. */
export async function machineFilesAction(files: readonly string[], format: MachineFormat): Promise<string> {
  const described = [];
  for (const file of files) for (const { machine } of await machinesOf(file, "machine")) described.push(describeMachine(machine));
  return renderMachines(described, format);
}
