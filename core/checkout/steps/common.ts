// What every checkout step shares: idempotent order appends (derived event ids, plus the dual write
// when the outbox is switched off), the "is this order already paid?" check compensations run first,
// and the signature a step has.
import { keys } from "../../ids.ts";
import type { OrderId, ProviderRef } from "../../ids.ts";
import type { Money } from "../../money.ts";
import { applyEvent, canApply, foldOrder } from "../../orderLifecycle.ts";
import type { OrderState, OrderStatus } from "../../orderLifecycle.ts";
import type { NewOrderEvent, OrderEvent, OrderEventBody } from "../../ports/orderLedger.ts";
import type { CheckoutContext, StepResult } from "../context.ts";
import type { CheckoutDeps } from "../deps.ts";

/** A step: plain context in, a result out; deps are bound by `bindCheckout`, never stored in context. */
export type Step = (deps: CheckoutDeps, context: CheckoutContext) => Promise<StepResult>;

/** The topic order events are published under (by the outbox relay, or by the dual write below). */
export const ORDER_TOPIC = "orders";

/** Gives each event its derived id, so a retried or duplicated append is a no-op in the ledger. */
export const withEventId = (orderId: OrderId, body: OrderEventBody): NewOrderEvent => ({ ...body, eventId: keys.orderEvent(orderId, body.type) });

/**
 * Appends events idempotently. With `outbox` off the coordinator also publishes what it appended
 * itself: a dual write that a crash between the two writes can split (the checker's bug to find).
 */
export async function appendOrder(deps: CheckoutDeps, orderId: OrderId, bodies: readonly OrderEventBody[]): Promise<readonly OrderEvent[]> {
  if (bodies.length === 0) return [];
  const { appended } = await deps.stores.orders.append(
    orderId,
    bodies.map((b) => withEventId(orderId, b)),
  );
  if (!deps.mitigations.outbox) for (const e of appended) await deps.stores.events.publish({ eventId: e.eventId, topic: ORDER_TOPIC, payload: JSON.stringify(e) });
  return appended;
}

export async function orderState(deps: CheckoutDeps, orderId: OrderId): Promise<{ events: OrderEvent[]; state: OrderState }> {
  const events = await deps.stores.orders.events(orderId);
  return { events, state: foldOrder(events) };
}

const PAID: ReadonlySet<OrderStatus> = new Set(["confirmed", "released", "captured"]);

/** Confirmed and not voided: a compensation must not undo it. */
export const isPaid = (s: OrderState): boolean => PAID.has(s.status) && !s.voided;

/** Keeps only the events the lifecycle allows, in sequence (already-recorded ones are skipped by id anyway). */
export function legalNext(state: OrderState, bodies: readonly OrderEventBody[]): OrderEventBody[] {
  const kept: OrderEventBody[] = [];
  let s = state;
  for (const b of bodies) {
    if (!canApply(s, b.type)) continue;
    kept.push(b);
    s = applyEvent("", s, b);
  }
  return kept;
}

/** The provider reference of the order's authorization: from context, or from the ledger after a crash. */
export function providerRefOf(context: CheckoutContext, events: readonly OrderEvent[]): ProviderRef | null {
  if (context.providerRef !== null) return context.providerRef;
  for (const e of events) if (e.type === "PaymentAuthorized") return e.providerRef;
  return null;
}

/** Total after validation; a step that needs it before validation is a machine bug. */
export function totalOf(context: CheckoutContext): Money {
  if (context.total === null) throw new Error(`checkout ${context.checkoutId}: no total before validation`);
  return context.total;
}
