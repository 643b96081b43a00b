// Goal: the reference's own jobs leave the stores agreeing with each other. Regressions found by
// money-reconciles: a capture whose answer was lost ended the checkout "confirmed, capture-unreconciled"
// with the capture in the provider and the payment ledger but never in the order ledger, so fulfillment
// was never released for money already taken (reservation-never-converts seed 1); a lookup made while
// the request was still in flight settled the row "failed: not found" for an authorization (swarm seed
// 41) or a capture (swarm seed 111) that then landed, and nothing looked again.
import { describe, expect, it } from "vitest";
import { CheckoutId, keys } from "../ids.ts";
import { submitCheckout } from "./coordinator.ts";
import { reconciliation } from "./jobs.ts";
import { makeWorld, MERCHANT } from "../../test/checkoutWorld.ts";

type World = Awaited<ReturnType<typeof makeWorld>>;
const NOT_FOUND = JSON.stringify({ error: { type: "not_found", message: "not found (a lookup made while the request was in flight)" } });
/** What a stale lookup leaves: the row settled as never having happened. */
const settleAsNotFound = (w: World, key: string) =>
  w.stores.payments.record(MERCHANT, key as never, { status: "failed", providerRef: null, response: NOT_FOUND, reconciliation: "reconciled" });

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

  it("reopens an authorization row a stale lookup settled as not found once the provider shows the charge (swarm seed 41)", async () => {
    const w = await makeWorld();
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    expect((await handle.outcome).outcome).toBe("confirmed");
    const key = keys.authorize(CheckoutId("c-1"));
    await settleAsNotFound(w, key);
    await reconciliation.run(w.ungatedDeps, w.timers);
    const [charge] = w.provider.findByReference(MERCHANT, "c-1");
    expect(await w.stores.payments.get(MERCHANT, key)).toMatchObject({ status: "succeeded", providerRef: charge?.id, reconciliation: "reconciled" });
  });

  it("reopens a capture row a stale lookup settled as not found, then books the capture in the order ledger (swarm seed 111)", async () => {
    const w = await makeWorld();
    w.payments.lose.capture = 10;
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    await handle.outcome;
    const orderId = keys.order(CheckoutId("c-1"));
    await settleAsNotFound(w, keys.capture(orderId));
    await reconciliation.run(w.ungatedDeps, w.timers); // reopens and settles the row from the charge
    expect((await w.stores.payments.get(MERCHANT, keys.capture(orderId)))?.status).toBe("succeeded");
    await reconciliation.run(w.ungatedDeps, w.timers); // books it
    expect((await w.stores.orders.events(orderId)).map((e) => e.type).slice(-2)).toEqual(["PaymentCaptured", "FulfillmentReleased"]);
  });

  it("does not reopen a failed row the provider does not contradict", async () => {
    const w = await makeWorld({ decline: true });
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    expect((await handle.outcome).outcome).toBe("rejected");
    const before = await w.stores.payments.get(MERCHANT, keys.authorize(CheckoutId("c-1")));
    await reconciliation.run(w.ungatedDeps, w.timers);
    expect(await w.stores.payments.get(MERCHANT, keys.authorize(CheckoutId("c-1")))).toEqual(before);
  });
});
