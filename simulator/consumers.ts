// Downstream consumers of the order events (email, fulfillment): harness processes that read the
// system's event stream the way a team's own services would, at least once. Their effects are counted
// per event id so the checkers can tell "never effected" from "effected twice", and per business
// identity (order, type, sequence) so a fact republished under a new message id shows as acted on
// twice. A delivery may arrive twice (a lost ack, a redelivery): the `stream.duplicate` fault. An effect
// may fail (the mail server is down: `consumer.effect-fails`); the consumer then does not commit past
// that delivery, so it comes again.
import type { Stores } from "../core/ports/index.ts";
import { factKey, factOf, type World } from "../core/invariants/world.ts";
import { every, HARNESS_PERIOD_MS, type RunContext } from "./runContext.ts";

/** A consumer's effect that failed (the harness's own fault): the delivery is not acknowledged. */
export class EffectFailed extends Error {
  constructor(consumer: string, eventId: string) {
    super(`consumer ${consumer}: effect for event ${eventId} failed`);
    this.name = "EffectFailed";
  }
}

export const CONSUMERS = ["email", "fulfillment"] as const;
const POLL_BATCH = 50;

export class Consumers {
  /** consumer -> event id -> times its effect ran. */
  readonly effects: Record<string, Record<string, number>> = {};
  /** consumer -> business identity (`factKey`) -> times its effect ran. */
  readonly factEffects: Record<string, Record<string, number>> = {};

  constructor(
    private readonly ctx: RunContext,
    private readonly events: (process: string) => Stores["events"],
  ) {}

  start(running: () => boolean): void {
    const { mitigations, faults, history, clock } = this.ctx;
    for (const consumer of CONSUMERS) {
      const counts: Record<string, number> = (this.effects[consumer] = {});
      const factCounts: Record<string, number> = (this.factEffects[consumer] = {});
      const name = `consumer:${consumer}`;
      const stream = this.events(name);
      every(this.ctx.clock, HARNESS_PERIOD_MS.consumers, running, async () => {
        const deliveries = await stream.poll(consumer, POLL_BATCH);
        for (const delivery of deliveries) {
          const fact = factOf(delivery.payload);
          const key = fact === undefined ? undefined : factKey(fact);
          const copies = faults.fire("stream.duplicate", name, delivery.eventId) ? 2 : 1;
          for (let i = 0; i < copies; i++) {
            // Decided before the call, so the draw does not depend on how the adapter runs the effect.
            const fails = faults.fire("consumer.effect-fails", name, delivery.eventId);
            const effect = () => {
              if (fails) throw new EffectFailed(consumer, delivery.eventId);
              counts[delivery.eventId] = (counts[delivery.eventId] ?? 0) + 1;
              if (key !== undefined) factCounts[key] = (factCounts[key] ?? 0) + 1;
            };
            try {
              if (mitigations["consumer-dedupe"]) await stream.consumeOnce(consumer, delivery.eventId, effect);
              else effect();
            } catch (e) {
              // The offset stays before this delivery: the next poll brings it (and what follows) again.
              if (e instanceof EffectFailed) history.add(clock.now(), "note", name, "effect-failed", { eventId: delivery.eventId });
              return;
            }
          }
          await stream.commitOffset(consumer, delivery.offset);
        }
      });
    }
  }

  results(): World["effects"] {
    return this.effects;
  }

  /** Effects per business identity (events-are-facts). */
  factResults(): NonNullable<World["factEffects"]> {
    return this.factEffects;
  }
}
