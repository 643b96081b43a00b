// An order completes once: the ledger confirms it at most once, and each consumer's business effect
// per (order, event type) runs once even when the same business event reaches the stream under fresh
// event ids (a webhook handler that publishes a new "order completed" per delivery: three concurrent
// webhooks, three confirmation emails). Effects repeated under one event id are effects-once's.
import type { OrderFacts } from "./orders.ts";
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

const invariant = "one-completion-per-order";

export function oneCompletionPerOrder(world: World, orders: readonly OrderFacts[]): Verdict {
  const violations: Violation[] = [];
  for (const o of orders) {
    const n = o.events.filter((e) => e.type === "OrderConfirmed").length;
    if (n > 1) violations.push({ invariant, message: `order ${o.orderId} was confirmed ${n} times in the ledger`, entities: { order: o.orderId } });
  }
  const keys = world.eventBusinessKeys;
  if (keys === undefined) return verdictOf(invariant, violations);
  for (const [consumer, counts] of Object.entries(world.effects).sort()) {
    const ids = new Map<string, string[]>();
    for (const [eventId, times] of Object.entries(counts)) {
      const key = keys[eventId];
      if (key === undefined || times === 0) continue;
      ids.set(key, [...(ids.get(key) ?? []), eventId]);
    }
    for (const [key, eventIds] of [...ids].sort()) {
      if (eventIds.length < 2) continue;
      const cut = key.lastIndexOf(":");
      violations.push({
        invariant,
        message: `consumer ${consumer} effected ${key.slice(cut + 1)} of order ${key.slice(0, cut)} ${eventIds.length} times, under event ids ${eventIds.sort().join(", ")}`,
        entities: { consumer, order: key.slice(0, cut), events: eventIds.join(",") },
      });
    }
  }
  return verdictOf(invariant, violations);
}
