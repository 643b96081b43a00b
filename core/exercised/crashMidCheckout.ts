// The coordinator crashed while a buyer was waiting for a checkout's answer.
import { buyerCalls, type ExercisedCondition } from "./entry.ts";

export const crashMidCheckout: ExercisedCondition = {
  name: "crash-mid-checkout",
  description: "the coordinator crashed while a buyer was waiting for a checkout's answer",
  holds(entries) {
    const calls = buyerCalls(entries);
    return entries.some((e, i) => e.type === "note" && e.f === "coordinator-crash" && calls.some((c) => c.invokeIndex < i && (c.answeredIndex === undefined || c.answeredIndex > i)));
  },
};
