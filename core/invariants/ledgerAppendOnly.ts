// The order ledger is append-only with legal sequences: every event the run saw appended is still
// there unchanged at its position, sequences run 1..n, and each order's events fold legally.
import { foldOrder } from "../orderLifecycle.ts";
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

export function ledgerAppendOnly(world: World): Verdict {
  const violations: Violation[] = [];
  const byId = new Map<string, string>();
  for (const [orderId, events] of Object.entries(world.orders).sort()) {
    events.forEach((e, i) => {
      byId.set(e.eventId, JSON.stringify(e));
      if (e.sequence !== i + 1) violations.push({ invariant: "ledger-append-only", message: `order ${orderId}: event ${e.eventId} has sequence ${e.sequence} at position ${i + 1}`, entities: { order: orderId, event: e.eventId } });
    });
    try {
      foldOrder(events);
    } catch (err) {
      violations.push({ invariant: "ledger-append-only", message: `order ${orderId}: ${(err as Error).message}`, entities: { order: orderId } });
    }
  }
  for (const e of world.appended) {
    const now = byId.get(e.eventId);
    if (now === undefined) violations.push({ invariant: "ledger-append-only", message: `event ${e.eventId} (${e.type}) of order ${e.orderId} was appended and later disappeared`, entities: { order: e.orderId, event: e.eventId } });
    else if (now !== JSON.stringify(e)) violations.push({ invariant: "ledger-append-only", message: `event ${e.eventId} (${e.type}) of order ${e.orderId} was changed after it was appended`, entities: { order: e.orderId, event: e.eventId } });
  }
  return verdictOf("ledger-append-only", violations);
}
