// What the reconstruction audit (core/audit/reconstruction.ts) compares, per architecture: the steps
// each order really went through, from the run's own records (the provider's ledger of money moved,
// the order writes the harness saw the system make), and the facts its stores keep about it.
//   split     steps: every ledger append the harness observed, every money event of the checkout.
//             facts: the order ledger's stored events; the payment ledger's rows, each an operation
//             bracketed by when it was written and when its outcome was recorded.
//   monolith  steps: the row's creation and every status the system wrote, every money event.
//             facts: the row as it is now: created_at, the current status at updated_at, a charge id.
// Money steps are what the provider moved or released (authorized, captured, voided, refunded); a
// declined card moved nothing and is left out on both sides.
import { auditOrder, type AuditStep, type OrderAudit, type StoredFact } from "../../core/audit/reconstruction.ts";
import type { World } from "../../core/invariants/world.ts";
import type { OrderEvent } from "../../core/ports/orderLedger.ts";
import type { PaymentRecord } from "../../core/ports/paymentLedger.ts";
import type { WebhookEvent } from "../../core/ports/paymentProvider.ts";
import type { Clock } from "../../core/clock.ts";
import type { MonolithDb, MonolithOrder } from "../../adapters/monolith/monolithDb.ts";

const MONEY_EVENTS: Readonly<Record<string, string>> = { "charge.authorized": "authorize", "charge.captured": "capture", "charge.voided": "void", "charge.refunded": "refund" };

/** How a money step reads on both sides: the operation, the charge and (except a void) the amount. */
const moneyWhat = (operation: string, chargeId: string, amount: number) => `${operation} ${chargeId}${operation === "void" ? "" : ` ${amount}`}`;

/** The money steps of one checkout, from the provider's own ledger. */
function moneySteps(events: readonly WebhookEvent[], checkoutId: string): AuditStep[] {
  return events
    .filter((e) => e.reference === checkoutId && MONEY_EVENTS[e.type] !== undefined)
    .map((e) => ({ what: moneyWhat(MONEY_EVENTS[e.type]!, e.chargeId, e.amount.amount), from: e.createdAt, to: e.createdAt }));
}

/** A payment ledger row that recorded a success states its operation, bracketed by its writes. */
function paymentFact(r: PaymentRecord): StoredFact[] {
  if (r.status !== "succeeded" || r.providerRef === null) return [];
  return [{ what: moneyWhat(r.operation, r.providerRef, r.amount.amount), from: r.createdAt, to: r.updatedAt }];
}

export function auditSplit(world: World, providerEvents: readonly WebhookEvent[]): OrderAudit[] {
  const appended = new Map<string, OrderEvent[]>();
  for (const e of world.appended) appended.set(e.orderId, [...(appended.get(e.orderId) ?? []), e]);
  const audits: OrderAudit[] = [];
  for (const [orderId, stored] of Object.entries(world.orders)) {
    const created = stored.find((e) => e.type === "OrderCreated");
    const checkoutId = created?.type === "OrderCreated" ? created.checkoutId : "";
    const steps: AuditStep[] = [...(appended.get(orderId) ?? []).map((e) => ({ what: e.type, from: e.at, to: e.at })), ...moneySteps(providerEvents, checkoutId)];
    const facts: StoredFact[] = [...stored.map((e) => ({ what: e.type, from: e.at, to: e.at })), ...world.payments.filter((p) => p.checkoutId === checkoutId).flatMap(paymentFact)];
    audits.push(auditOrder(orderId, checkoutId, steps, facts));
  }
  return audits.sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
}

/** An order write the monolith made, as the harness saw it: what, and the window it happened in. */
export interface MonolithWrite {
  readonly orderId: string;
  readonly what: string;
  readonly from: number;
  readonly to: number;
}

/**
 * The monolith's database with its order writes recorded (creation and each status, with the window of
 * the call); everything else passes through. Observes answers, changes nothing.
 */
export function observeMonolith(db: MonolithDb, clock: Clock, sink: MonolithWrite[]): MonolithDb {
  const observed = Object.create(db) as MonolithDb;
  observed.commit = async (snapshot, order) => {
    const from = clock.now();
    const row = await db.commit(snapshot, order);
    const to = clock.now();
    sink.push({ orderId: row.id, what: "created", from, to }, { orderId: row.id, what: `status:${order.status}`, from, to });
    return row;
  };
  observed.setStatus = async (orderId, status) => {
    const from = clock.now();
    await db.setStatus(orderId, status);
    sink.push({ orderId, what: `status:${status}`, from, to: clock.now() });
  };
  return observed;
}

export function auditMonolith(rows: readonly MonolithOrder[], writes: readonly MonolithWrite[], providerEvents: readonly WebhookEvent[]): OrderAudit[] {
  return rows.map((row) => {
    const steps: AuditStep[] = [...writes.filter((w) => w.orderId === row.id).map(({ what, from, to }) => ({ what, from, to })), ...moneySteps(providerEvents, row.checkoutId)];
    const facts: StoredFact[] = [
      { what: "created", from: row.createdAt, to: row.createdAt },
      { what: `status:${row.status}`, from: row.updatedAt, to: row.updatedAt },
      // The row names its charge and the order total, but not when the card was authorized.
      ...(row.chargeId !== null ? [{ what: moneyWhat("authorize", row.chargeId, row.total), from: null, to: null }] : []),
    ];
    return auditOrder(row.id, row.checkoutId, steps, facts);
  });
}
