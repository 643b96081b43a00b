// Downstream consumers of the order events (email, fulfillment): harness processes that read the
// system's event stream the way a team's own services would, at least once. Their effects are counted
// per event id so the checkers can tell "never effected" from "effected twice". A delivery may arrive
// twice (a lost ack, a redelivery): the `stream.duplicate` fault.
import type { Stores } from "../core/ports/index.ts";
import type { World } from "../core/invariants/world.ts";
import { every, HARNESS_PERIOD_MS, type RunContext } from "./runContext.ts";

export const CONSUMERS = ["email", "fulfillment"] as const;
const POLL_BATCH = 50;

export class Consumers {
  /** consumer -> event id -> times its effect ran. */
  readonly effects: Record<string, Record<string, number>> = {};

  constructor(
    private readonly ctx: RunContext,
    private readonly events: (process: string) => Stores["events"],
  ) {}

  start(running: () => boolean): void {
    const { mitigations, faults } = this.ctx;
    for (const consumer of CONSUMERS) {
      const counts: Record<string, number> = (this.effects[consumer] = {});
      const name = `consumer:${consumer}`;
      const stream = this.events(name);
      every(this.ctx.clock, HARNESS_PERIOD_MS.consumers, running, async () => {
        const deliveries = await stream.poll(consumer, POLL_BATCH);
        for (const delivery of deliveries) {
          const effect = () => void (counts[delivery.eventId] = (counts[delivery.eventId] ?? 0) + 1);
          const copies = faults.fire("stream.duplicate", name, delivery.eventId) ? 2 : 1;
          for (let i = 0; i < copies; i++) {
            if (mitigations["consumer-dedupe"]) await stream.consumeOnce(consumer, delivery.eventId, effect);
            else effect();
          }
          await stream.commitOffset(consumer, delivery.offset);
        }
      });
    }
  }

  results(): World["effects"] {
    return this.effects;
  }
}
