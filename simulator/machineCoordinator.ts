// A Coordinator from any XState v5 checkout statechart: the architect's own machine runs under the
// simulator's faults and checkers without hand-writing a coordinator. Its invoked `src` names bind to
// the reference step library (STEPS) or to the team's own steps; its top-level final states name their
// outcome in `meta.outcome`. Submission, snapshots in the checkout command records, crash and resume
// are the reference coordinator's own code (core/checkout/coordinator.ts): the three built-in policies
// are built through this function too.
import type { AnyStateMachine } from "xstate";
import { bindMachine } from "../core/checkout/bindMachine.ts";
import type { StepLibrary } from "../core/checkout/bindMachine.ts";
import { handlePaymentWebhook } from "../core/checkout/complete.ts";
import { resumeCheckout, submitCheckout } from "../core/checkout/coordinator.ts";
import type { TimerClock } from "../core/checkout/coordinator.ts";
import type { CheckoutDeps } from "../core/checkout/deps.ts";
import { expirySweep, janitorFor, outboxRelay, reconciliation } from "../core/checkout/jobs.ts";
import { STEPS } from "../core/checkout/machine.ts";
import type { WebhookEvent } from "../core/ports/paymentProvider.ts";
import type { Coordinator, SystemJob } from "./coordinator.ts";

export interface MachineCoordinatorOptions {
  /**
   * The team's own steps by `src` name, beside the reference library (`STEPS`); a name in both is the
   * team's. Default: none.
   */
  readonly steps?: StepLibrary;
  /**
   * The system's background jobs (`[]` for none). Default: the reference's (core/checkout/jobs.ts:
   * expiry sweep, reconciliation, outbox relay), with a janitor that resumes idle checkouts with this machine.
   */
  readonly jobs?: readonly SystemJob[];
  /** The provider's webhooks. Default: the reference's idempotent completion path (core/checkout/complete.ts). */
  readonly handleWebhook?: (deps: CheckoutDeps, event: WebhookEvent, clock: TimerClock) => Promise<unknown>;
}

export type MachineCoordinator = Coordinator & {
  /** The machine's id, for reports (a fourth column in `compare`). */
  readonly machineId: string;
  readonly jobs: readonly SystemJob[];
};

/**
 * Builds a coordinator that runs `machine` for every checkout. Throws MachineBindingError naming every
 * `src` with no step and every top-level final state without `meta.outcome`, before anything runs.
 */
export function coordinatorFromMachine(machine: AnyStateMachine, options: MachineCoordinatorOptions = {}): MachineCoordinator {
  const bound = bindMachine(machine, options.steps === undefined ? STEPS : { ...STEPS, ...options.steps });
  const handleWebhook = options.handleWebhook ?? handlePaymentWebhook;
  return {
    machineId: bound.id,
    submit: (deps, request, o) => submitCheckout(deps, request, o, bound),
    resume: (deps, command, o) => resumeCheckout(deps, command, o, bound),
    handleWebhook: (deps, event, clock) => handleWebhook(deps, event, clock),
    jobs: options.jobs ?? [expirySweep, reconciliation, outboxRelay, janitorFor(bound)],
  };
}
