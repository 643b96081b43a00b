// Every committed order event is published (eventually): what the ledger holds must reach the
// event stream, or fulfillment and email never hear of it.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

export function eventsPublished(world: World): Verdict {
  if (!world.quiescent) return { invariant: "events-published", valid: "unknown", violations: [], note: "the run did not reach a healed, quiescent end" };
  const violations: Violation[] = [];
  for (const [orderId, events] of Object.entries(world.orders).sort()) {
    for (const e of events) {
      if (!world.published.has(e.eventId)) violations.push({ invariant: "events-published", message: `order ${orderId}: ${e.type} (${e.eventId}) never reached the event stream`, entities: { order: orderId, event: e.eventId } });
    }
  }
  return verdictOf("events-published", violations);
}
