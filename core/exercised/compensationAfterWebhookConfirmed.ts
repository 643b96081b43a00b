// The moment `compensation-check` exists for: a storefront that never learned its authorization's
// outcome from the provider (every answer lost) gave up on the payment, answering its buyer, after a
// charge.authorized webhook had already confirmed the order. Its compensation (release, void, cancel)
// then meets a confirmed order; only a compensation that re-reads the order stops in time.
import { buyerCalls, checkoutOfProcess, field, operations, text, type ExercisedCondition, type Operation } from "./entry.ts";

/** A provider answer that told the storefront the authorization succeeded (directly, or by a lookup of its key). */
function learnedAuthorized(o: Operation): boolean {
  if (o.end !== "ok") return false;
  if (o.f === "provider.authorize") return field(o.result, "status") === 200 && text(field(o.result, "body"), "status") === "authorized";
  return Array.isArray(o.result) && o.result.some((c) => text(c, "status") === "authorized" || text(c, "status") === "captured");
}

export const compensationAfterWebhookConfirmed: ExercisedCondition = {
  name: "compensation-after-webhook-confirmed",
  description: "a storefront that never heard its authorization succeed gave up on it after a charge.authorized webhook had confirmed the order",
  holds(entries) {
    const calls = buyerCalls(entries);
    const asked = operations(entries, (f) => f === "provider.authorize" || f === "provider.searchByKey");
    return operations(entries, (f) => f === "webhook.deliver").some((d) => {
      if (d.end !== "ok" || text(d.args, "type") !== "charge.authorized" || text(field(d.result, "handled"), "status") !== "confirmed") return false;
      const checkoutId = text(d.args, "reference");
      const at = d.endIndex!;
      const own = asked.filter((o) => checkoutOfProcess(o.process) === checkoutId);
      if (!own.some((o) => o.f === "provider.authorize" && o.invokeIndex < at)) return false;
      return calls.some((c) => {
        if (c.checkoutId !== checkoutId || c.invokeIndex > at || c.answeredIndex === undefined || c.answeredIndex < at || c.outcome === undefined) return false;
        return !own.some((o) => o.endIndex !== undefined && o.endIndex < c.answeredIndex! && learnedAuthorized(o));
      });
    });
  },
};
