// What the simulator needs from a checkout coordinator. The reference one (core/checkout) fits it;
// a team can plug in its own and get the same workload, faults and checkers.
import type { CheckoutCommand } from "../core/ports/checkoutCommands.ts";
import type { WebhookEvent } from "../core/ports/paymentProvider.ts";
import type { CheckoutDeps, CheckoutOutcome, CheckoutRequest, ReservationPolicy } from "../core/checkout/deps.ts";

import type { TimerClock, TransitionTaken } from "../core/checkout/coordinator.ts";

export type { TimerClock, TransitionTaken };

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
  submit(deps: CheckoutDeps, request: CheckoutRequest, options: CoordinatorRunOptions): Promise<CheckoutHandleLike>;
  resume(deps: CheckoutDeps, command: CheckoutCommand, options: CoordinatorRunOptions): Promise<CheckoutHandleLike> | CheckoutHandleLike;
  handleWebhook(deps: CheckoutDeps, event: WebhookEvent): Promise<unknown>;
}
