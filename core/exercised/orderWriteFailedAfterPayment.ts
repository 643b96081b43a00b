// A checkout's order-ledger write failed or went unanswered after its payment was authorized.
import { checkoutOfProcess, field, operations, type ExercisedCondition } from "./entry.ts";

export const orderWriteFailedAfterPayment: ExercisedCondition = {
  name: "order-write-failed-after-payment",
  description: "an order write failed or lost its answer after the checkout's payment was authorized",
  holds(entries) {
    const paid = operations(entries, (f) => f === "provider.authorize").filter((o) => o.end === "ok" && field(o.result, "status") === 200);
    const failedWrites = operations(entries, (f) => f === "orders.append").filter((o) => o.end === "fail" || o.end === "info" || (o.end === undefined && entries.some((e) => e.type === "fault" && e.f === "store.request-lost" && e.value === "orders.append" && e.process === o.process)));
    return failedWrites.some((w) => paid.some((p) => checkoutOfProcess(p.process) !== undefined && checkoutOfProcess(p.process) === checkoutOfProcess(w.process) && p.endIndex! < w.invokeIndex));
  },
};
