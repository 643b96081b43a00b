// Compensation (async-reservation): stock ran out after the buyer was told "accepted" and the buyer
// agreed to wait. The order records an explicit Backordered fact; the authorization stays for later.
import type { TransitionContract } from "../contract.ts";
import { ok, result } from "../context.ts";
import type { Step } from "./common.ts";
import { appendOrder, isPaid, legalNext, orderState } from "./common.ts";

export const backorderContract: TransitionContract = {
  owner: "order-ledger",
  idempotencyKey: "${orderId}:Backordered",
  timeoutMs: 2_000,
  retry: { max: 3, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "orders.events(orderId) shows Backordered",
  customerFallback: "\"back-ordered: we ship when stock arrives; you are charged on shipment\"",
};

export const backorder: Step = async (deps, c) => {
  const { state } = await orderState(deps, c.orderId);
  if (isPaid(state)) return result("paid", "completed-elsewhere");
  const lines = (c.lines ?? []).map((l) => ({ sku: l.sku, quantity: l.quantity }));
  await appendOrder(deps, c.orderId, legalNext(state, [{ type: "Backordered", lines }]));
  return ok();
};
