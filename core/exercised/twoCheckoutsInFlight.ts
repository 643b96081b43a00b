// One buyer had two different checkouts in flight at once (the same cart in two tabs).
import { buyerCallsByBuyer, type ExercisedCondition } from "./entry.ts";

export const twoCheckoutsInFlight: ExercisedCondition = {
  name: "two-checkouts-in-flight",
  description: "one buyer had two checkouts with different ids unanswered at the same time",
  holds(entries) {
    for (const calls of buyerCallsByBuyer(entries).values())
      if (calls.some((b) => calls.some((a) => a.checkoutId !== b.checkoutId && a.invokeIndex < b.invokeIndex && (a.answeredIndex === undefined || a.answeredIndex > b.invokeIndex)))) return true;
    return false;
  },
};
