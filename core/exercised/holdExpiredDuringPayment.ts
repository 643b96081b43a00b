// A checkout's hold expired while its payment was under way (authorization sent, buyer not answered).
import { buyerCalls, checkoutOfProcess, field, operations, text, type ExercisedCondition } from "./entry.ts";

export const holdExpiredDuringPayment: ExercisedCondition = {
  name: "hold-expired-during-payment",
  description: "a hold expired after its checkout had asked the provider to authorize, before the buyer had an answer",
  holds(entries) {
    const calls = buyerCalls(entries);
    const authorized = operations(entries, (f) => f === "provider.authorize");
    for (const sweep of operations(entries, (f) => f === "inventory.expireDue")) {
      if (sweep.end !== "ok" || !Array.isArray(sweep.result)) continue;
      const at = sweep.endIndex!;
      for (const hold of sweep.result) {
        const checkoutId = text(hold, "checkoutId") ?? (field(hold, "key") as string | undefined)?.split(":")[0];
        if (checkoutId === undefined) continue;
        const paying = authorized.some((a) => checkoutOfProcess(a.process) === checkoutId && a.invokeIndex < at) || authorized.some((a) => text(a.args, "key")?.startsWith(`${checkoutId}:`) && a.invokeIndex < at);
        if (paying && calls.some((c) => c.checkoutId === checkoutId && (c.answeredIndex === undefined || c.answeredIndex > at))) return true;
      }
    }
    return false;
  },
};
