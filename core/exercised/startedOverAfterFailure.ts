// A buyer told "failed" (or told nothing) checked out again under a new checkout id: the first
// attempt must then hold no money and no order of its own.
import { buyerCallsByBuyer, type ExercisedCondition } from "./entry.ts";

const FAILED = new Set(["rejected", "compensated", "no answer"]);

export const startedOverAfterFailure: ExercisedCondition = {
  name: "started-over-after-failure",
  description: "after a failed or unanswered checkout, the buyer checked out again under a new id",
  holds(entries) {
    for (const calls of buyerCallsByBuyer(entries).values())
      if (calls.some((a) => a.outcome !== undefined && FAILED.has(a.outcome) && calls.some((b) => b.checkoutId !== a.checkoutId && b.invokeIndex > a.answeredIndex!))) return true;
    return false;
  },
};
