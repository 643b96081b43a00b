// A double click whose second request left while the first was still unanswered: the moment a
// checkout-key (deduplication) bug needs.
import { buyerCalls, type ExercisedCondition } from "./entry.ts";

export const doubleSubmitInFlight: ExercisedCondition = {
  name: "double-submit-in-flight",
  description: "a buyer's second submission of a checkout left while the first was still unanswered",
  holds(entries) {
    const calls = buyerCalls(entries);
    return calls.some((b) => b.submission > 1 && calls.some((a) => a.checkoutId === b.checkoutId && a.invokeIndex < b.invokeIndex && (a.answeredIndex === undefined || a.answeredIndex > b.invokeIndex)));
  },
};
