// The buyer changed the cart (another tab) while a checkout of it was still waiting for its answer:
// what the order holds must be what was priced and paid, not the cart's new state.
import { buyerCallsByBuyer, buyerOf, operations, type ExercisedCondition } from "./entry.ts";

export const cartEditedDuringCheckout: ExercisedCondition = {
  name: "cart-edited-during-checkout",
  description: "a buyer changed the cart while a checkout of it was still unanswered",
  holds(entries) {
    const callsOf = buyerCallsByBuyer(entries);
    const edits = operations(entries, (f) => f === "cart.addLine" || f === "cart.setQuantity").filter((o) => o.process.startsWith("buyer:"));
    return edits.some((e) => (callsOf.get(buyerOf(e.process)) ?? []).some((c) => c.invokeIndex < e.invokeIndex && c.answeredIndex !== undefined && c.answeredIndex > e.invokeIndex));
  },
};
