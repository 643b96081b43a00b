// The event stream in memory: the simulation default. An append-only array of frozen deliveries,
// committed offsets per consumer, and a processed-id set per consumer for consumeOnce.
import type { Clock } from "../../core/clock.ts";
import { InvalidInput } from "../../core/errors.ts";
import type { EventId } from "../../core/ids.ts";
import type { Delivery, EventStream, StreamEvent } from "../../core/ports/eventStream.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { streamEvent } from "../shared/streamInput.ts";

export class MemoryEventStream implements EventStream {
  private readonly log: Delivery[] = [];
  private readonly offsets = new Map<string, number>();
  private readonly processed = new Map<string, Set<string>>();

  constructor(_options: { clock: Clock }) {}

  async publish(event: StreamEvent): Promise<Delivery> {
    const e = streamEvent(event);
    const delivery: Delivery = Object.freeze({ ...e, offset: this.log.length + 1 });
    this.log.push(delivery);
    return delivery;
  }

  async poll(consumer: string, limit: number): Promise<Delivery[]> {
    requireKey(consumer, "consumer");
    requireNonNegativeInt(limit, "limit");
    const from = this.offsets.get(consumer) ?? 0;
    return this.log.slice(from, from + limit);
  }

  async commitOffset(consumer: string, offset: number): Promise<void> {
    requireKey(consumer, "consumer");
    requireNonNegativeInt(offset, "offset");
    if (offset > this.log.length) throw new InvalidInput({ field: "offset", message: `offset ${offset} is past the end of the stream (${this.log.length})` });
    if (offset > (this.offsets.get(consumer) ?? 0)) this.offsets.set(consumer, offset);
  }

  async consumeOnce(consumer: string, eventId: EventId, effect: () => void): Promise<boolean> {
    requireKey(consumer, "consumer");
    requireKey(eventId, "eventId");
    let done = this.processed.get(consumer);
    if (done?.has(eventId)) return false;
    effect(); // if it throws, nothing is recorded: the next delivery tries again
    if (!done) this.processed.set(consumer, (done = new Set()));
    done.add(eventId);
    return true;
  }

  async processedCount(consumer: string): Promise<number> {
    return this.processed.get(consumer)?.size ?? 0;
  }
}
