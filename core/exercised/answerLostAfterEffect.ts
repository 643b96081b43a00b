// A store or the provider applied a request and the answer never reached the caller (lost, 5xx after
// processing, connection reset): the moment idempotency keys and reconciliation exist for.
import type { ExercisedCondition } from "./entry.ts";

const AFTER_EFFECT = new Set(["store.response-lost", "provider.response-lost", "provider.5xx-after", "provider.connection-reset"]);

export const answerLostAfterEffect: ExercisedCondition = {
  name: "answer-lost-after-effect",
  description: "a store or the provider applied a request and its answer was lost",
  holds: (entries) => entries.some((e) => (e.type === "fault" && AFTER_EFFECT.has(e.f)) || (e.type === "info" && e.value === "connection-lost-after")),
};
