// Compensation (async-reservation): stock ran out after the buyer was told "accepted" and no backorder
// was agreed. The apology is a notification with a derived event id (consumers dedupe), followed by
// the void of the authorization and the cancellation of the order.
import type { TransitionContract } from "../contract.ts";
import { EventId } from "../../ids.ts";
import { ok } from "../context.ts";
import type { Step } from "./common.ts";

export const NOTIFICATION_TOPIC = "customer-notifications";

export const apologizeContract: TransitionContract = {
  owner: "coordinator",
  idempotencyKey: "${orderId}:apology (event id)",
  timeoutMs: 2_000,
  retry: { max: 3, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "event stream: consumer dedupe by event id ${orderId}:apology",
  customerFallback: "\"sorry, the item sold out after your order; you have not been charged\"",
};

export const apologize: Step = async (deps, c) => {
  await deps.stores.events.publish({
    eventId: EventId(`${c.orderId}:apology`),
    topic: NOTIFICATION_TOPIC,
    payload: JSON.stringify({ type: "Apology", orderId: c.orderId, buyerId: c.request.buyerId, reason: c.reason ?? "out-of-stock" }),
  });
  return ok();
};
