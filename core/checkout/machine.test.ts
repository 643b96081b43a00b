// Goal: each reservation policy ends where the contract says: confirmed on the happy path, rejected on
// insufficient stock / decline / price change, compensated where compensation applies; and the
// mitigation switches change behaviour the way the checkers expect.
import { describe, expect, it } from "vitest";
import { setup } from "xstate";
import { money } from "../money.ts";
import { foldOrder } from "../orderLifecycle.ts";
import type { StrictStates, TransitionContract } from "./contract.ts";
import { submitCheckout } from "./coordinator.ts";
import { POLICIES } from "./deps.ts";
import type { ReservationPolicy } from "./deps.ts";
import { makeWorld, PRICE, SKU, LOCATION } from "../../test/checkoutWorld.ts";
import { createCheckoutMachine } from "./machine.ts";
import { keys } from "../ids.ts";
import { CheckoutId } from "../ids.ts";

type World = Awaited<ReturnType<typeof makeWorld>>;

async function run(w: World, policy: ReservationPolicy, id = "c-1", extra = {}) {
  const handle = await submitCheckout(w.deps, w.request(id, extra), { policy, clock: w.timers });
  return handle.outcome;
}

async function orderOf(w: World, id = "c-1") {
  const events = await w.stores.orders.events(keys.order(CheckoutId(id)));
  return { types: events.map((e) => e.type), state: foldOrder(events) };
}

const level = (w: World) => w.stores.inventory.level(SKU, LOCATION);

describe.each(POLICIES)("checkout machine, policy %s", (policy) => {
  it("confirms, commits stock, captures once on the happy path", async () => {
    const w = await makeWorld();
    expect(await run(w, policy)).toEqual({ outcome: "confirmed" });
    const order = await orderOf(w);
    expect(order.state.status).toBe("captured");
    expect(order.types).toContain("OrderConfirmed");
    expect(order.types).toContain("FulfillmentReleased");
    expect(await level(w)).toMatchObject({ onHand: 10, held: 0, committed: 2 });
    const charges = w.provider.findByReference("m-1", "c-1");
    expect(charges).toHaveLength(1);
    expect(charges[0]?.capturedAmount).toBe(2 * PRICE);
  });

  it("rejects a changed price and writes nothing", async () => {
    const w = await makeWorld();
    await w.stores.catalog.setPrice(SKU, money(PRICE + 50, "USD"));
    expect(await run(w, policy)).toEqual({ outcome: "rejected", reason: "price-changed" });
    expect(await w.stores.orders.orderIds()).toEqual([]);
    expect(w.payments.calls).toEqual([]);
  });

  it("rejects a declined payment, releasing stock and cancelling the order", async () => {
    const w = await makeWorld({ decline: true });
    expect(await run(w, policy)).toEqual({ outcome: "rejected", reason: "payment-declined" });
    expect((await orderOf(w)).state.status).toBe("cancelled");
    expect(await level(w)).toMatchObject({ held: 0, committed: 0 });
  });
});

describe("insufficient stock, per policy", () => {
  it("reserve-before-payment rejects before any order or payment", async () => {
    const w = await makeWorld({ stock: 1 });
    expect(await run(w, "reserve-before-payment")).toEqual({ outcome: "rejected", reason: "insufficient-stock" });
    expect(await w.stores.orders.orderIds()).toEqual([]);
    expect(w.payments.calls).toEqual([]);
  });

  it("reserve-after-authorization voids the authorization: compensated", async () => {
    const w = await makeWorld({ stock: 1 });
    expect(await run(w, "reserve-after-authorization")).toEqual({ outcome: "compensated", reason: "insufficient-stock" });
    const order = await orderOf(w);
    expect(order.types).toEqual(["OrderCreated", "PaymentAuthorized", "PaymentVoided"]);
    expect(order.state.status).toBe("cancelled");
    expect(w.provider.findByReference("m-1", "c-1")[0]?.status).toBe("voided");
  });

  it("async-reservation apologizes and voids when no backorder was agreed", async () => {
    const w = await makeWorld({ stock: 1 });
    expect(await run(w, "async-reservation")).toEqual({ outcome: "compensated", reason: "insufficient-stock" });
    expect((await orderOf(w)).state.status).toBe("cancelled");
    expect(w.provider.findByReference("m-1", "c-1")[0]?.status).toBe("voided");
    const notes = await w.stores.events.poll("test", 10);
    expect(notes.map((d) => d.topic)).toContain("customer-notifications");
  });

  it("async-reservation backorders when the buyer agreed, keeping the authorization", async () => {
    const w = await makeWorld({ stock: 1 });
    expect(await run(w, "async-reservation", "c-1", { allowBackorder: true })).toEqual({ outcome: "compensated", reason: "backordered" });
    expect((await orderOf(w)).state.status).toBe("backordered");
    expect(w.provider.findByReference("m-1", "c-1")[0]?.status).toBe("authorized");
  });
});

describe("mitigation switches", () => {
  it("reprice off: the order keeps the cart's stale price", async () => {
    const w = await makeWorld({ disable: ["reprice"] });
    await w.stores.catalog.setPrice(SKU, money(PRICE + 50, "USD"));
    expect(await run(w, "reserve-before-payment")).toEqual({ outcome: "confirmed" });
    expect((await orderOf(w)).state.total?.amount).toBe(2 * PRICE);
  });

  it("reservation off: read-then-sell holds and commits nothing", async () => {
    const w = await makeWorld({ disable: ["reservation"] });
    expect(await run(w, "reserve-before-payment")).toEqual({ outcome: "confirmed" });
    expect(await level(w)).toMatchObject({ held: 0, committed: 0 });
  });

  it("outbox off: the coordinator publishes each order event itself", async () => {
    const w = await makeWorld({ disable: ["outbox"] });
    await run(w, "reserve-before-payment");
    const published = (await w.stores.events.poll("test", 100)).filter((d) => d.topic === "orders").map((d) => d.eventId);
    expect(published).toContain("c-1:order:OrderConfirmed");
    expect(new Set(published).size).toBe((await orderOf(w)).types.length);
  });

  it("outbox on: the coordinator publishes nothing (the relay does)", async () => {
    const w = await makeWorld();
    await run(w, "reserve-before-payment");
    expect(await w.stores.events.poll("test", 100)).toEqual([]);
  });
});

describe("the contract is required by the types", () => {
  it("refuses a transition without meta, and meta of the wrong shape", () => {
    // @ts-expect-error a transition without its contract does not satisfy StrictStates
    const missing = { a: { on: { GO: { target: "b" } } }, b: { type: "final" } } satisfies StrictStates;
    const typed = setup({ types: { transitionMeta: {} as TransitionContract } });
    // @ts-expect-error meta must be a TransitionContract
    const wrong = () => typed.createMachine({ initial: "a", states: { a: { on: { GO: { target: "b", meta: { owner: "nobody" } } } }, b: { type: "final" } } });
    expect(missing).toBeDefined();
    expect(wrong).toBeTypeOf("function");
  });

  it("builds every policy with the six fields on every transition", () => {
    for (const policy of POLICIES) {
      const m = createCheckoutMachine(policy);
      for (const node of Object.values(m.root.states))
        for (const list of node.transitions.values())
          for (const t of list) expect(Object.keys(t.meta ?? {}).sort()).toEqual(["customerFallback", "idempotencyKey", "owner", "reconciliation", "retry", "timeoutMs"]);
    }
  });
});
