// The reference system's own background jobs. They belong to the system under test, not to the
// harness: a team's checkout that forgets one (no reconciliation, no expiry sweep, no outbox relay,
// nobody resuming stuck checkouts) must be caught, so the harness runs exactly the jobs a system
// declares, as processes of that system that die with it in a crash.
import { IdempotencyKey, keys, type CheckoutId } from "../ids.ts";
import { foldOrder } from "../orderLifecycle.ts";
import type { CheckoutCommand } from "../ports/checkoutCommands.ts";
import type { OrderEvent, OrderEventBody } from "../ports/orderLedger.ts";
import type { PaymentRecord } from "../ports/paymentLedger.ts";
import type { ProviderCharge } from "../ports/paymentProvider.ts";
import { appendOrder, legalNext, orderState } from "./steps/common.ts";
import type { BoundMachine } from "./bindMachine.ts";
import { resumeCheckout, type TimerClock } from "./coordinator.ts";
import { isPaid } from "./steps/common.ts";
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

/** A finished checkout's holds are looked at this long after it ended (its own release may have given up). */
const RECENTLY_FINISHED_MS = 10_000;

/**
 * Held reservations past their expiry go back on the shelf; and a checkout that ended without an
 * order whose own compensating release gave up (its retries are few on purpose) has its hold
 * released now rather than at expiry, so other buyers are not turned away meanwhile.
 */
export const expirySweep: SystemJob = {
  name: "expiry",
  periodMs: 1000,
  async run(deps) {
    if (!deps.mitigations["reservation-expiry"]) return;
    // Holds of checkouts that already ended go first: released now (their buyers were told), rather
    // than expired later while other buyers are turned away.
    if (deps.mitigations["release-on-failure"] && deps.mitigations.reservation) await releaseFinished(deps);
    await deps.stores.inventory.expireDue(deps.clock.now());
  },
};

/** Tries of each store call in the prompt release: a timed-out lookup is asked again now, not a period later. */
const RELEASE_TRIES = 3;

async function tries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (attempt >= RELEASE_TRIES) throw e;
    }
  }
}

/** Releases the holds of recently finished checkouts that no live order stands on. */
async function releaseFinished(deps: CheckoutDeps): Promise<void> {
  const since = deps.clock.now() - RECENTLY_FINISHED_MS;
  const finished = (await tries(() => deps.stores.commands.all())).filter((c) => c.status !== "running" && c.status !== "confirmed" && c.updatedAt >= since);
  // One checkout's slow or failed lookups must not hold up the others' releases: they run side by side.
  await Promise.allSettled(
    finished.map(async (command) => {
      const held = (await tries(() => deps.stores.inventory.findByCheckout(command.checkoutId))).filter((r) => r.status === "held");
      if (held.length === 0 || (await tries(() => hasLiveOrder(deps, command.checkoutId)))) return;
      // Inventory refuses to release a hold committed meanwhile: a completion that won keeps its stock.
      for (const r of held) await tries(() => deps.stores.inventory.release(r.key));
    }),
  );
}

/**
 * An order that stands: paid, or backordered. A failed checkout's unconfirmed order is not one (its
 * cancellation may have given up too); releasing its hold also stops a late webhook from confirming it.
 */
async function hasLiveOrder(deps: CheckoutDeps, checkoutId: CheckoutId): Promise<boolean> {
  const orderId = await deps.stores.orders.findByCheckout(checkoutId);
  if (orderId === undefined) return false;
  const state = foldOrder(await deps.stores.orders.events(orderId));
  return isPaid(state) || (state.backordered && !state.voided && state.status !== "cancelled");
}

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
 * Reconciliation: payment rows whose outcome is unknown are settled by key at the provider; rows a
 * stale lookup settled as "not found" while the request was still in flight are reopened when the
 * provider's charges show the operation happened; captures and refunds the payment ledger holds as
 * done reach the order ledger too (a capture whose answer was lost ends the checkout before its
 * PaymentCaptured is written); and money a finished checkout holds outside its live order (an orphan
 * authorization) is voided.
 */
export const reconciliation: SystemJob = {
  name: "reconcile",
  periodMs: 1500,
  async run(deps) {
    if (!deps.mitigations.reconciliation) return;
    for (const row of await deps.stores.payments.needingReconciliation(RECONCILE_BATCH)) await deps.payments.reconcile(row.key);
    const rows = await deps.stores.payments.all();
    await recordSettledPayments(deps, rows);
    if (deps.payments.chargesFor === undefined) return;
    const rowsOf = new Map<string, PaymentRecord[]>();
    for (const row of rows) rowsOf.set(row.checkoutId, [...(rowsOf.get(row.checkoutId) ?? []), row]);
    for (const command of await deps.stores.commands.all()) {
      // The payment service writes its ledger row before any request leaves: a checkout without rows
      // never asked the provider for anything, so there is nothing of it to look up there.
      if (command.status === "running" || !rowsOf.has(command.checkoutId)) continue;
      const charges = await deps.payments.chargesFor(command.checkoutId);
      await reopenContradicted(deps, charges, rowsOf.get(command.checkoutId) ?? []);
      await voidOrphans(deps, command, charges);
    }
  },
};

/** Per process: keys reopened once already (a reopened row that still says failed is not reopened again). */
const reopenedByProcess = new WeakMap<object, Set<string>>();

/**
 * A lookup made while a request was still in flight finds nothing and settles the row `failed: not
 * found`; the request then lands (a late authorization, a late capture) and nothing looks again. The
 * provider's charges are the evidence: a row they contradict is marked for reconciliation and settled
 * from the provider's present state.
 */
async function reopenContradicted(deps: CheckoutDeps, charges: readonly ProviderCharge[], rows: readonly PaymentRecord[]): Promise<void> {
  const node = deps.node ?? deps;
  const reopened = reopenedByProcess.get(node) ?? new Set<string>();
  reopenedByProcess.set(node, reopened);
  const stale = new Set<PaymentRecord>();
  const settled = (operation: PaymentRecord["operation"], chargeId: string) => rows.filter((r) => r.operation === operation && r.status === "succeeded" && r.providerRef === chargeId);
  const failed = (operation: PaymentRecord["operation"]) => rows.filter((r) => r.operation === operation && r.status === "failed" && r.reconciliation !== "needed");
  for (const c of charges) {
    if (c.status === "authorized" || c.status === "captured") for (const r of failed("authorize")) if (r.key === c.idempotencyKey) stale.add(r);
    if (c.capturedAmount > 0 && settled("capture", c.id).length === 0) for (const r of failed("capture")) stale.add(r);
    if (c.refundedAmount > settled("refund", c.id).reduce((n, r) => n + r.amount.amount, 0)) for (const r of failed("refund")) stale.add(r);
    if (c.status === "voided" && settled("void", c.id).length === 0) for (const r of failed("void")) stale.add(r);
  }
  for (const row of stale) {
    if (reopened.has(row.key)) continue;
    reopened.add(row.key);
    await deps.stores.payments.record(row.merchantId, row.key, { status: row.status, reconciliation: "needed" });
    await deps.payments.reconcile(row.key);
  }
}

/**
 * Payment keys whose outcome the order ledger is known to hold, per running process (memory only: a
 * restarted process looks at every row once again, so a crash between the payment ledger's record
 * and the order append loses nothing).
 */
const recordedByProcess = new WeakMap<object, Set<string>>();

/**
 * Brings the order ledger level with the payment ledger: each succeeded capture or refund of an order
 * gets its PaymentCaptured (+ FulfillmentReleased) or RefundIssued, under the same derived event ids
 * the checkout's own steps use, so whichever writes first, the ledger holds it once.
 */
async function recordSettledPayments(deps: CheckoutDeps, rows: readonly PaymentRecord[]): Promise<void> {
  const node = deps.node ?? deps;
  const recorded = recordedByProcess.get(node) ?? new Set<string>();
  recordedByProcess.set(node, recorded);
  for (const row of rows) {
    if (recorded.has(row.key)) continue;
    const done = settledOrderEvents(row);
    if (done === "never") recorded.add(row.key);
    if (typeof done === "string" || row.orderId === null) continue;
    const { state } = await orderState(deps, row.orderId);
    if (state.status !== "none") await appendOrder(deps, row.orderId, legalNext(state, done));
    recorded.add(row.key);
  }
}

/** What a payment row, once settled, says the order ledger must hold. */
function settledOrderEvents(row: PaymentRecord): OrderEventBody[] | "never" | "not-yet" {
  if ((row.operation !== "capture" && row.operation !== "refund") || row.orderId === null) return "never";
  if (row.status !== "succeeded" || row.providerRef === null) return "not-yet";
  return row.operation === "capture"
    ? [{ type: "PaymentCaptured", providerRef: row.providerRef, amount: row.amount }, { type: "FulfillmentReleased" }]
    : [{ type: "RefundIssued", providerRef: row.providerRef, amount: row.amount }];
}

/** Voids the authorized charges of a finished checkout that its live order does not stand on. */
async function voidOrphans(deps: CheckoutDeps, command: CheckoutCommand, charges: readonly ProviderCharge[]): Promise<void> {
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
