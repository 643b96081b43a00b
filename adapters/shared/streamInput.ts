// Validation of event-stream input, shared by every engine.
import { InvalidInput } from "../../core/errors.ts";
import type { EventId } from "../../core/ids.ts";
import type { StreamEvent } from "../../core/ports/eventStream.ts";
import { requireKey } from "../../core/validate.ts";

export function streamEvent(event: StreamEvent): StreamEvent {
  if (typeof event?.payload !== "string") throw new InvalidInput({ field: "payload", message: "payload must be a JSON string" });
  return { eventId: requireKey(event.eventId, "eventId") as EventId, topic: requireKey(event.topic, "topic"), payload: event.payload };
}
