// The reference system's own background jobs. They belong to the system under test, not to the
// harness: a team's checkout that forgets one (no reconciliation, no expiry sweep, no outbox relay,
// nobody resuming stuck checkouts) must be caught, so the harness runs exactly the jobs a system
// declares, as processes of that system that die with it in a crash.
import { IdempotencyKey, keys, type CheckoutId } from "../ids.ts";
import { foldOrder } from "../orderLifecycle.ts";
import type { CheckoutCommand } from "../ports/checkoutCommands.ts";
import type { OrderEvent } from "../ports/orderLedger.ts";
import type { BoundMachine } from "./bindMachine.ts";
import { resumeCheckout, type TimerClock } from "./coordinator.ts";
import { DEFAULT_POLICY, type CheckoutDeps } from "./deps.ts";

/** A periodic job of the system under test. The harness calls `run` every `periodMs` of its clock. */
export interface SystemJob {
  readonly name: string;
  readonly periodMs: number;
  run(deps: CheckoutDeps, clock: TimerClock): Promise<unknown>;
}

/** Rows reconciled per round, orders relayed per round: every loop has a bound. */
const RECONCILE_BATCH = 20;
const RELAY_BATCH = 50;

/** Held reservations past their expiry go back on the shelf. */
export const expirySweep: SystemJob = {
  name: "expiry",
  periodMs: 1000,
  async run(deps) {
    if (deps.mitigations["reservation-expiry"]) await deps.stores.inventory.expireDue(deps.clock.now());
  },
};

/** The transactional outbox's relay: committed order events reach the stream at least once. */
export const outboxRelay: SystemJob = {
  name: "relay",
  periodMs: 400,
  async run(deps) {
    if (!deps.mitigations.outbox) return;
    const pending = await deps.stores.orders.pendingOutbox(RELAY_BATCH);
    for (const entry of pending) await deps.stores.events.publish({ eventId: entry.eventId, topic: "orders", payload: entry.payload });
    if (pending.length > 0) await deps.stores.orders.markPublished(pending.map((e) => e.eventId), deps.clock.now());
  },
};

/**
 * Reconciliation: payment rows whose outcome is unknown are settled by key at the provider, and money
 * a finished checkout holds outside its live order (an orphan authorization) is voided.
 */
export const reconciliation: SystemJob = {
  name: "reconcile",
  periodMs: 1500,
  async run(deps) {
    if (!deps.mitigations.reconciliation) return;
    for (const row of await deps.stores.payments.needingReconciliation(RECONCILE_BATCH)) await deps.payments.reconcile(row.key);
    if (deps.payments.chargesFor === undefined) return;
    for (const command of await deps.stores.commands.all()) {
      if (command.status !== "running") await voidOrphans(deps, command);
    }
  },
};

/** Voids the authorized charges of a finished checkout that its live order does not stand on. */
async function voidOrphans(deps: CheckoutDeps, command: CheckoutCommand): Promise<void> {
  const charges = await deps.payments.chargesFor!(command.checkoutId);
  if (!charges.some((c) => c.status === "authorized")) return;
  const kept = await chargesOfLiveOrder(deps, command.checkoutId);
  for (const charge of charges) {
    if (charge.status !== "authorized" || kept.has(charge.id)) continue;
    await deps.payments.void({ checkoutId: command.checkoutId, key: IdempotencyKey(`${keys.void(command.checkoutId)}:${charge.id}`), providerRef: charge.id, amount: charge.amount });
  }
}

/**
 * The charges an order that still stands (confirmed, or backordered and to be captured on shipment)
 * was paid with. A checkout reported rejected may still own such an order (another attempt won), and
 * its money must stay.
 */
async function chargesOfLiveOrder(deps: CheckoutDeps, checkoutId: CheckoutId): Promise<ReadonlySet<string>> {
  const orderId = await deps.stores.orders.findByCheckout(checkoutId);
  if (orderId === undefined) return new Set();
  const events: readonly OrderEvent[] = await deps.stores.orders.events(orderId);
  const state = foldOrder(events);
  if (state.status === "cancelled" || state.status === "refunded" || state.voided) return new Set();
  return new Set(events.flatMap((e) => (e.type === "PaymentAuthorized" ? [e.providerRef as string] : [])));
}

/** How long a running checkout may sit untouched before the janitor resumes it. */
const IDLE_MS = 3000;

/**
 * Resumes unfinished checkouts nobody drives: a lost final save, a submit whose answer was lost. A
 * checkout still live in this process is left to its actor (`resumeCheckout` attaches to it).
 */
export const janitor: SystemJob = janitorFor();

/** The janitor of a coordinator running one bound machine (coordinatorFromMachine): resumes with that machine. */
export function janitorFor(bound?: BoundMachine): SystemJob {
  return {
    name: "janitor",
    periodMs: IDLE_MS,
    async run(deps, clock) {
      const idle = (await deps.stores.commands.unfinished()).filter((c) => c.updatedAt <= deps.clock.now() - IDLE_MS);
      for (const command of idle) await resumeCheckout(deps, command, { policy: deps.policy ?? DEFAULT_POLICY, clock }, bound);
    },
  };
}

/** The reference checkout's jobs, in the order the harness starts them. */
export const referenceJobs: readonly SystemJob[] = [expirySweep, reconciliation, outboxRelay, janitor];
