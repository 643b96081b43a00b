// Event stream: at-least-once delivery. Publishing the same event id twice may deliver it twice (an
// engine with its own publish dedupe, such as JetStream's Nats-Msg-Id window, absorbs some repeats but
// never all), so every consumer dedupes by event id in the same transaction as its effect.
import type { EventId } from "../ids.ts";

export interface StreamEvent {
  readonly eventId: EventId;
  readonly topic: string;
  readonly payload: string; // JSON
}

export interface Delivery extends StreamEvent {
  /** Position in the stream, from 1. A redelivered event gets a new offset. */
  readonly offset: number;
}

export interface EventStream {
  /**
   * Appends an event. At least once: a republish of a known event id is either appended again under a
   * new offset, or absorbed by the engine's own publish dedupe and answered with the first delivery's
   * offset. Either way consumers must dedupe (consumeOnce); the port promises no dedupe.
   */
  publish(event: StreamEvent): Promise<Delivery>;
  /** Deliveries after the consumer's committed offset. */
  poll(consumer: string, limit: number): Promise<Delivery[]>;
  /** Moves the consumer's committed offset forward (never back). */
  commitOffset(consumer: string, offset: number): Promise<void>;
  /**
   * Runs `effect` once per (consumer, event id): records the event id in the same transaction as the
   * effect, so a redelivery returns false and has no second effect. The effect must be synchronous
   * so it can share the transaction.
   */
  consumeOnce(consumer: string, eventId: EventId, effect: () => void): Promise<boolean>;
  /** How many distinct event ids the consumer has processed; for checkers. */
  processedCount(consumer: string): Promise<number>;
}
