// Goal: a compensation voids the charge the system knows of, even when the checkout's own memory lost it:
// the authorization's answer reached the checkout but its ledger write did not, a later lookup settled
// the payment row, and the buyer is about to be told "failed" (swarm seed 27 before the fix: answered
// compensated holding the authorization until reconciliation voided it).
import { describe, expect, it } from "vitest";
import { BuyerId, CheckoutId, keys, ProviderRef, Sku } from "../../ids.ts";
import { money } from "../../money.ts";
import { initialContext } from "../context.ts";
import { withEventId } from "./common.ts";
import { voidAuthorization } from "./authorize.ts";
import { makeWorld, MERCHANT } from "../../../test/checkoutWorld.ts";

describe("voidAuthorization", () => {
  it("voids the authorization the payment ledger knows of when the context and the order ledger do not", async () => {
    const w = await makeWorld();
    const checkoutId = CheckoutId("c-1");
    const orderId = keys.order(checkoutId);
    const total = money(2000, "USD");
    const authorized = await w.provider.authorize(MERCHANT, keys.authorize(checkoutId), { amount: total, reference: checkoutId });
    const chargeId = (authorized.body as { id: string }).id;
    // A reconciliation lookup settled the row; no PaymentAuthorized reached the order ledger.
    await w.stores.payments.begin({ merchantId: MERCHANT, key: keys.authorize(checkoutId), operation: "authorize", requestHash: "h", amount: total, checkoutId, orderId });
    await w.stores.payments.record(MERCHANT, keys.authorize(checkoutId), { status: "succeeded", providerRef: ProviderRef(chargeId) });
    await w.stores.orders.append(orderId, [withEventId(orderId, { type: "OrderCreated", checkoutId, buyerId: BuyerId("b-1"), lines: [{ sku: Sku("sku-1"), quantity: 2, unitPrice: money(1000, "USD"), priceVersion: 1 }], total })]);
    const context = { ...initialContext({ checkoutId, policy: "reserve-before-payment", request: w.request("c-1") }), total };
    expect(context.providerRef).toBeNull();

    const r = await voidAuthorization(w.deps, context);

    expect(r.kind).toBe("ok");
    expect(w.provider.charges().find((c) => c.id === chargeId)?.status).toBe("voided");
    expect((await w.stores.orders.events(orderId)).map((e) => e.type)).toEqual(["OrderCreated", "PaymentAuthorized", "PaymentVoided"]);
  });

  it("with no authorization anywhere, there is nothing to void", async () => {
    const w = await makeWorld();
    const checkoutId = CheckoutId("c-2");
    const context = { ...initialContext({ checkoutId, policy: "reserve-before-payment", request: w.request("c-2") }), total: money(2000, "USD") };
    expect((await voidAuthorization(w.deps, context)).kind).toBe("ok");
    expect(w.provider.charges()).toHaveLength(0);
  });
});
