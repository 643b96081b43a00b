// Goal: the reference's own jobs leave the stores agreeing with each other. Regression (found by
// money-reconciles, reservation-never-converts seed 1): a capture whose answer was lost ended the
// checkout "confirmed, capture-unreconciled"; the provider and the payment ledger held the capture,
// the order ledger never did, so fulfillment was never released for money already taken.
import { describe, expect, it } from "vitest";
import { CheckoutId, keys } from "../ids.ts";
import { submitCheckout } from "./coordinator.ts";
import { reconciliation } from "./jobs.ts";
import { makeWorld, MERCHANT } from "../../test/checkoutWorld.ts";

const policy = "reserve-before-payment" as const;

describe("reconciliation job", () => {
  it("records a capture the payment ledger holds but the checkout never wrote (its answer was lost) in the order ledger, once", async () => {
    const w = await makeWorld();
    w.payments.lose.capture = 10; // the provider captures, every attempt of the checkout hears `unknown`
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    expect(await handle.outcome).toEqual({ outcome: "confirmed", reason: "capture-unreconciled" });
    const orderId = keys.order(CheckoutId("c-1"));
    const types = async () => (await w.stores.orders.events(orderId)).map((e) => e.type);
    expect(await types()).not.toContain("PaymentCaptured");
    const [charge] = w.provider.findByReference(MERCHANT, "c-1");
    expect(charge?.capturedAmount).toBe(2_000);

    await reconciliation.run(w.deps, w.timers);
    expect(await types()).toEqual(["OrderCreated", "InventoryReserved", "PaymentAuthorized", "OrderConfirmed", "PaymentCaptured", "FulfillmentReleased"]);
    const captured = (await w.stores.orders.events(orderId)).find((e) => e.type === "PaymentCaptured");
    expect(captured).toMatchObject({ providerRef: charge?.id, amount: { amount: 2_000 } });

    await reconciliation.run(w.deps, w.timers); // again, and from a fresh process: nothing twice
    await reconciliation.run({ ...w.deps, node: {} }, w.timers);
    expect(await types()).toHaveLength(6);
  });

  it("leaves the order ledger alone with reconciliation switched off", async () => {
    const w = await makeWorld({ disable: ["reconciliation"] });
    w.payments.lose.capture = 10;
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    await handle.outcome;
    await reconciliation.run(w.deps, w.timers);
    expect((await w.stores.orders.events(keys.order(CheckoutId("c-1")))).map((e) => e.type)).not.toContain("PaymentCaptured");
  });
});
