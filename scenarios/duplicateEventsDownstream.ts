// Events to downstream systems: at-least-once delivery duplicates events; every consumer dedupes
// by event id, and every committed order event is published through the outbox. A consumer's effect
// may fail (the mail server is down): the delivery must come again until the effect happens.
import type { Scenario } from "../simulator/scenario.ts";

export const duplicateEventsDownstream: Scenario = {
  name: "duplicate-events-downstream",
  description: "The stream redelivers events and relays crash mid-batch; each email/fulfillment effect happens once per event.",
  boundary: "Events to downstream systems",
  invariants: [
    "effects-once", "events-published", "ledger-append-only", "liveness", "effects-at-least-once", "one-completion-per-order",
    // conservation laws (issue 18)
    "stock-conserved", "money-reconciles", "events-are-facts",
  ],
  exercises: ["duplicate-event-delivered"],
  workload: { buyers: 20, stockPerSku: 40 },
  faults: { "stream.duplicate": 0.4, "store.response-lost": 0.05, "store.request-lost": 0.08, "coordinator.crash": 0.1, "consumer.effect-fails": 0.15 },
};
