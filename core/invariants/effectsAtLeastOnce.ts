// Each event is effected at least once: after healing, every event that reached the stream was
// effected by every downstream consumer (the email was sent, the parcel released). The counterpart of
// effects-once; the bug it finds is a consumer (or a stream adapter) that records or acknowledges a
// delivery whose effect threw, so the redelivery is skipped and the effect never happens.
import { verdictOf, type Verdict, type Violation } from "./verdict.ts";
import type { World } from "./world.ts";

const invariant = "effects-at-least-once";

export function effectsAtLeastOnce(world: World): Verdict {
  if (!world.quiescent) return { invariant, valid: "unknown", violations: [], note: "the run did not reach a healed, quiescent end" };
  const violations: Violation[] = [];
  const published = [...world.published].sort();
  for (const [consumer, counts] of Object.entries(world.effects).sort()) {
    const missing = published.filter((id) => (counts[id] ?? 0) === 0);
    for (const eventId of missing) violations.push({ invariant, message: `consumer ${consumer} never effected event ${eventId}, which reached the stream`, entities: { consumer, event: eventId } });
  }
  return verdictOf(invariant, violations);
}
