// Events to downstream systems: at-least-once delivery duplicates events; every consumer dedupes
// by event id, and every committed order event is published through the outbox.
import type { Scenario } from "../simulator/scenario.ts";

export const duplicateEventsDownstream: Scenario = {
  name: "duplicate-events-downstream",
  description: "The stream redelivers events and relays crash mid-batch; each email/fulfillment effect happens once per event.",
  boundary: "Events to downstream systems",
  invariants: ["effects-once", "events-published", "ledger-append-only", "liveness"],
  exercises: ["duplicate-event-delivered"],
  workload: { buyers: 20, stockPerSku: 40 },
  faults: { "stream.duplicate": 0.4, "store.response-lost": 0.05, "store.request-lost": 0.08, "coordinator.crash": 0.1 },
};
