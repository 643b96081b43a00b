// The reference coordinator (core/checkout's statecharts) seen through the simulator's Coordinator
// interface, with the reference system's own jobs (expiry sweep, reconciliation, outbox relay, janitor).
import { handlePaymentWebhook } from "../core/checkout/complete.ts";
import { resumeCheckout, submitCheckout } from "../core/checkout/coordinator.ts";
import { referenceJobs } from "../core/checkout/jobs.ts";
import type { Coordinator } from "./coordinator.ts";

export const referenceCoordinator: Coordinator = {
  submit: (deps, request, options) => submitCheckout(deps, request, options),
  resume: (deps, command, options) => resumeCheckout(deps, command, options),
  handleWebhook: (deps, event) => handlePaymentWebhook(deps, event),
  jobs: referenceJobs,
};
