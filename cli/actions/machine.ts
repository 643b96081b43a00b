// `checkout-sim machine`: builds the chosen policies' machines and renders their contract.
import { describeMachine } from "../../core/checkout/describe.ts";
import type { ReservationPolicy } from "../../core/checkout/deps.ts";
import { createCheckoutMachine } from "../../core/checkout/machine.ts";
import { renderMachines } from "../../reports/machine.ts";
import type { MachineFormat } from "../../reports/machine.ts";

export function machineAction(policies: readonly ReservationPolicy[], format: MachineFormat): string {
  return renderMachines(
    policies.map((p) => describeMachine(createCheckoutMachine(p), p)),
    format,
  );
}
