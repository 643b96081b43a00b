// The coordinator crashes mid-checkout and restarts: memory is lost, the command records and
// persisted machine snapshots are not. Recovery resumes every unfinished checkout.
import type { Scenario } from "../simulator/scenario.ts";

export const coordinatorCrash: Scenario = {
  name: "coordinator-crash",
  description: "The coordinator dies and recovers from durable checkout records; nothing is lost or done twice.",
  invariants: ["one-order-per-checkout", "no-double-charge", "no-oversell", "no-orphan-payment", "no-leaked-reservation", "events-published", "ledger-append-only", "liveness"],
  exercises: ["crash-mid-checkout"],
  workload: { buyers: 24, stockPerSku: 20 },
  faults: { "coordinator.crash": 0.5, "store.latency": 0.05 },
};
