// Swarm testing: every fault site is planned and each seed switches a random subset on with random
// probabilities (printed before the run), so seeds explore different fault mixes.
import type { Scenario } from "../simulator/scenario.ts";
import { INVARIANTS } from "../core/invariants/verdict.ts";

export const swarm: Scenario = {
  name: "swarm",
  description: "Everything at once: the fault mix is drawn from the seed (swarm testing).",
  invariants: INVARIANTS,
  swarm: true,
  workload: { buyers: 30, hotSkus: 2, stockPerSku: 12 },
  faults: {
    "store.request-lost": 0.05,
    "store.response-lost": 0.05,
    "store.latency": 0.1,
    "provider.request-lost": 0.05,
    "provider.5xx-before": 0.05,
    "provider.5xx-after": 0.05,
    "provider.connection-reset": 0.05,
    "provider.response-lost": 0.1,
    "provider.latency": 0.1,
    "webhook.duplicate": 0.3,
    "webhook.delay": 0.2,
    "webhook.reorder": 0.3,
    "stream.duplicate": 0.2,
    "coordinator.crash": 0.1,
    "clock.jump": 0.05,
    "buyer.double-submit": 0.2,
    "admin.price-change": 0.3,
    "webhook.concurrent-duplicate": 0.2,
    "consumer.effect-fails": 0.1,
    "buyer.edit-during-checkout": 0.2,
    "buyer.second-tab": 0.1,
    "buyer.start-over": 0.3,
  },
};
