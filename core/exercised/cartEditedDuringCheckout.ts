// The buyer changed the cart (another tab) while a checkout of it was still waiting for its answer:
// what the order holds must be what was priced and paid, not the cart's new state.
import { buyerCalls, buyerOf, operations, type ExercisedCondition } from "./entry.ts";

export const cartEditedDuringCheckout: ExercisedCondition = {
  name: "cart-edited-during-checkout",
  description: "a buyer changed the cart while a checkout of it was still unanswered",
  holds(entries) {
    const calls = buyerCalls(entries);
    const edits = operations(entries, (f) => f === "cart.addLine" || f === "cart.setQuantity").filter((o) => o.process.startsWith("buyer:"));
    return edits.some((e) => calls.some((c) => buyerOf(c.process) === buyerOf(e.process) && c.invokeIndex < e.invokeIndex && c.answeredIndex !== undefined && c.answeredIndex > e.invokeIndex));
  },
};
