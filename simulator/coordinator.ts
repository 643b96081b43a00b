// What the simulator needs from a checkout coordinator. The reference one (core/checkout) fits it;
// a team can plug in its own and get the same workload, faults and checkers. Everything the system
// does on its own (deduplication, recovery of stuck work, reconciliation, expiry sweeps, the outbox
// relay) lives behind this interface, in the coordinator or in the jobs it declares: the harness
// never does the system's work.
import type { CheckoutCommand } from "../core/ports/checkoutCommands.ts";
import type { WebhookEvent } from "../core/ports/paymentProvider.ts";
import type { CheckoutDeps, CheckoutOutcome, CheckoutRequest, ReservationPolicy } from "../core/checkout/deps.ts";
import type { TimerClock, TransitionTaken } from "../core/checkout/coordinator.ts";
import type { SystemJob } from "../core/checkout/jobs.ts";

export type { TimerClock, TransitionTaken, SystemJob };

export interface CoordinatorRunOptions {
  readonly policy: ReservationPolicy;
  readonly clock: TimerClock;
  readonly onTransition?: (t: TransitionTaken) => void;
}

export interface CheckoutHandleLike {
  readonly checkoutId: string;
  readonly outcome: Promise<{ outcome: CheckoutOutcome; reason?: string }>;
  /** A crash: the actor stops, memory is lost, nothing more is persisted. */
  stop(): void;
}

export interface Coordinator {
  /** Every buyer click arrives here, double clicks and retries included: deduplication is the coordinator's job. */
  submit(deps: CheckoutDeps, request: CheckoutRequest, options: CoordinatorRunOptions): Promise<CheckoutHandleLike>;
  /** The restart after a crash: continue an unfinished checkout from its durable record. */
  resume(deps: CheckoutDeps, command: CheckoutCommand, options: CoordinatorRunOptions): Promise<CheckoutHandleLike> | CheckoutHandleLike;
  /** One delivery of a provider webhook (at least once, maybe concurrently with a copy of itself). Throwing refuses it: it is redelivered. */
  handleWebhook(deps: CheckoutDeps, event: WebhookEvent, clock: TimerClock): Promise<unknown>;
  /** The system's own background jobs; the harness schedules exactly these, as processes of the system. */
  readonly jobs?: readonly SystemJob[];
}
