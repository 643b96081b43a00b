// The reference coordinator (core/checkout's statecharts) seen through the simulator's Coordinator
// interface, with the reference system's own jobs (expiry sweep, reconciliation, outbox relay,
// janitor): one coordinatorFromMachine per reservation policy, chosen by the run's policy, so the
// built-in machines and a team's own take the same code path.
import { checkoutMachine } from "../core/checkout/coordinator.ts";
import { POLICIES, type ReservationPolicy } from "../core/checkout/deps.ts";
import { referenceJobs } from "../core/checkout/jobs.ts";
import type { Coordinator } from "./coordinator.ts";
import { coordinatorFromMachine, type MachineCoordinator } from "./machineCoordinator.ts";

const byPolicy = new Map<ReservationPolicy, MachineCoordinator>(POLICIES.map((p) => [p, coordinatorFromMachine(checkoutMachine(p), { jobs: referenceJobs })]));
const of = (policy: ReservationPolicy): MachineCoordinator => byPolicy.get(policy)!;

export const referenceCoordinator: Coordinator = {
  submit: (deps, request, options) => of(options.policy).submit(deps, request, options),
  resume: (deps, command, options) => of(options.policy).resume(deps, command, options),
  // The webhook path does not depend on the policy: every policy completes through complete.ts.
  handleWebhook: (deps, event, clock) => of("reserve-before-payment").handleWebhook(deps, event, clock),
  jobs: referenceJobs,
};
