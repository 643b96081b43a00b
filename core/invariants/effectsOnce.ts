// Each downstream effect happens once per event id, however often the event is delivered.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

export function effectsOnce(world: World): Verdict {
  const violations: Violation[] = [];
  for (const [consumer, counts] of Object.entries(world.effects).sort()) {
    for (const [eventId, n] of Object.entries(counts).sort()) {
      if (n > 1) violations.push({ invariant: "effects-once", message: `consumer ${consumer} ran its effect ${n} times for event ${eventId}`, entities: { consumer, event: eventId } });
    }
  }
  return verdictOf("effects-once", violations);
}
