// A downstream consumer received the same event twice (at-least-once delivery).
import type { ExercisedCondition } from "./entry.ts";

export const duplicateEventDelivered: ExercisedCondition = {
  name: "duplicate-event-delivered",
  description: "a consumer received an event it had already been delivered",
  holds: (entries) => entries.some((e) => (e.type === "fault" && e.f === "stream.duplicate") || (e.type === "ok" && e.f === "events.consumeOnce" && e.value === false)),
};
