// The merchant changed a price after a buyer put that product in the cart and before they checked out.
import { buyerCalls, operations, text, type ExercisedCondition } from "./entry.ts";

const skuOf = (args: unknown): string | undefined => (typeof args === "string" ? args : Array.isArray(args) ? (typeof args[0] === "string" ? args[0] : undefined) : text(args, "sku"));

export const priceChangedAfterAdd: ExercisedCondition = {
  name: "price-changed-after-add",
  description: "a price changed between a buyer's add-to-cart and their checkout",
  holds(entries) {
    const changes = operations(entries, (f) => f === "catalog.setPrice").filter((o) => o.end === "ok" && !o.process.startsWith("buyer:"));
    const adds = operations(entries, (f) => f === "cart.addLine").filter((o) => o.end === "ok" && o.process.startsWith("buyer:"));
    const calls = buyerCalls(entries);
    return changes.some((c) => {
      const sku = skuOf(c.args);
      return adds.some((a) => {
        const line = Array.isArray(a.args) ? a.args[1] : undefined;
        return text(line, "sku") === sku && a.endIndex! < c.endIndex! && calls.some((b) => b.process === a.process && b.invokeIndex > c.endIndex!);
      });
    });
  },
};
