// A copy of a webhook was delivered while the first delivery was still being handled.
import { operations, text, type ExercisedCondition } from "./entry.ts";

export const duplicateWebhookInFlight: ExercisedCondition = {
  name: "duplicate-webhook-in-flight",
  description: "a second delivery of a webhook arrived while the first was still being handled",
  holds(entries) {
    const deliveries = operations(entries, (f) => f === "webhook.deliver");
    return deliveries.some((b) => deliveries.some((a) => a.invokeIndex < b.invokeIndex && text(a.args, "eventId") === text(b.args, "eventId") && (a.endIndex === undefined || a.endIndex > b.invokeIndex)));
  },
};
