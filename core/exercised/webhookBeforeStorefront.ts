// The provider's "authorized" webhook completed a checkout before the storefront's own path did: the
// race between the two completion paths, won by the webhook (its handler reports it confirmed the
// order, while the buyer was still waiting for the storefront's answer).
import { buyerCalls, field, operations, text, type ExercisedCondition } from "./entry.ts";

export const webhookBeforeStorefront: ExercisedCondition = {
  name: "webhook-before-storefront",
  description: "a charge.authorized webhook confirmed an order while its buyer still waited for the storefront's answer",
  holds(entries) {
    const calls = buyerCalls(entries);
    return operations(entries, (f) => f === "webhook.deliver").some((d) => {
      if (d.end !== "ok" || text(d.args, "type") !== "charge.authorized" || text(field(d.result, "handled"), "status") !== "confirmed") return false;
      const at = d.endIndex!;
      return calls.some((c) => c.checkoutId === text(d.args, "reference") && c.invokeIndex < at && (c.answeredIndex === undefined || c.answeredIndex > at));
    });
  },
};
