// Inventory to fulfillment: reservations whose checkout failed or vanished must not hold stock
// forever. Buyers leave at the payment page (their bank's confirmation never comes) with stock held,
// and lost requests make compensating releases give up; only the system's expiry sweep gets the
// stock back.
import type { Scenario } from "../simulator/scenario.ts";

export const reservationNeverConverts: Scenario = {
  name: "reservation-never-converts",
  description: "Buyers leave with stock held, failed checkouts lose their releases; the expiry sweep must return the stock.",
  boundary: "Inventory to fulfillment",
  invariants: ["no-leaked-reservation", "no-oversell", "liveness"],
  exercises: ["hold-expired-during-payment"],
  workload: { buyers: 24, stockPerSku: 30, declineRate: 0.4 },
  faults: { "buyer.abandon": 0.3, "store.request-lost": 0.35, "coordinator.crash": 0.2 },
};
