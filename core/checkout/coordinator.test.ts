// Goal: the coordinator keeps the contract under the faults the simulator injects: a crash mid-flight
// resumes from the persisted snapshot to the same outcome with one order and one authorization; a
// webhook and the storefront complete a checkout once; a timeout retries with the same key; a double
// submit attaches; a lost payment answer is reconciled (or, with reconciliation off, orphaned).
import { describe, expect, it } from "vitest";
import { CheckoutId, keys } from "../ids.ts";
import { handlePaymentWebhook } from "./complete.ts";
import { hashRequest, resumeCheckout, submitCheckout } from "./coordinator.ts";
import type { TransitionTaken } from "./coordinator.ts";
import { authorizeContract } from "./steps/authorize.ts";
import { LOCATION, makeWorld, MERCHANT, settle, SKU } from "../../test/checkoutWorld.ts";

const policy = "reserve-before-payment" as const;
type World = Awaited<ReturnType<typeof makeWorld>>;
const orderTypes = async (w: World, id = "c-1") => (await w.stores.orders.events(keys.order(CheckoutId(id)))).map((e) => e.type);

describe("crash and resume", () => {
  it("resumes a checkout stopped mid-authorization to the same outcome, one order, one charge", async () => {
    const w = await makeWorld();
    w.payments.withhold.authorize = 1; // the charge happens, the answer never arrives
    const trace: TransitionTaken[] = [];
    const first = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers, onTransition: (t) => trace.push(t) });
    await settle();
    expect(trace.at(-1)?.to).toBe("authorizing");
    first.stop(); // crash: memory lost
    const command = await w.stores.commands.get(CheckoutId("c-1"));
    expect(command?.status).toBe("running");
    expect(JSON.parse(command?.snapshot ?? "null").value).toBe("authorizing");

    const resumed = await resumeCheckout(w.deps, command!, { policy, clock: w.timers });
    expect(await resumed.outcome).toEqual({ outcome: "confirmed" });
    expect(await w.stores.orders.orderIds()).toHaveLength(1);
    expect(w.provider.findByReference(MERCHANT, "c-1")).toHaveLength(1);
    expect(new Set(w.payments.keys("authorize"))).toEqual(new Set(["c-1:auth"]));
    expect((await w.stores.commands.get(CheckoutId("c-1")))?.status).toBe("confirmed");
  });

  it("a resumed actor re-arms its timeout, so a step that hangs again still moves on", async () => {
    const w = await makeWorld();
    w.payments.withhold.authorize = 2;
    const first = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    await settle();
    first.stop();
    const resumed = await resumeCheckout(w.deps, (await w.stores.commands.get(CheckoutId("c-1")))!, { policy, clock: w.timers });
    await settle();
    expect(w.timers.pending).toBeGreaterThan(0);
    w.timers.advance(authorizeContract.timeoutMs);
    expect(await resumed.outcome).toEqual({ outcome: "confirmed" });
    expect(w.provider.findByReference(MERCHANT, "c-1")).toHaveLength(1);
  });

  it("restarts from the request when no snapshot was saved yet", async () => {
    const w = await makeWorld();
    const request = w.request("c-1");
    await w.stores.commands.submit({ checkoutId: request.checkoutId, buyerId: request.buyerId, requestHash: hashRequest(request), request: JSON.stringify(request) });
    const handle = await resumeCheckout(w.deps, (await w.stores.commands.get(request.checkoutId))!, { policy, clock: w.timers });
    expect(await handle.outcome).toEqual({ outcome: "confirmed" });
  });
});

describe("one idempotent completion path", () => {
  it("webhook and storefront complete the same checkout once", async () => {
    const w = await makeWorld();
    w.payments.withhold.authorize = 1;
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    await settle();
    const [charge] = w.provider.findByReference(MERCHANT, "c-1");
    const webhook = { id: "evt-1", type: "charge.authorized" as const, chargeId: charge!.id, merchantId: MERCHANT, reference: "c-1", amount: charge!.amount, createdAt: 0 };
    expect(await handlePaymentWebhook(w.deps, webhook)).toEqual({ status: "confirmed" });
    expect(await handlePaymentWebhook(w.deps, webhook)).toEqual({ status: "already-confirmed" }); // at-least-once redelivery
    w.timers.advance(authorizeContract.timeoutMs); // the storefront's call times out and retries with the same key
    expect(await handle.outcome).toEqual({ outcome: "confirmed" });
    const types = await orderTypes(w);
    expect(types.filter((t) => t === "OrderConfirmed")).toHaveLength(1);
    expect(types.filter((t) => t === "PaymentAuthorized")).toHaveLength(1);
    expect(w.provider.findByReference(MERCHANT, "c-1")).toHaveLength(1);
  });

  it("a compensation does not undo an order the webhook already confirmed", async () => {
    // Reconciliation off: the lost answer is taken as a decline and compensation starts, but the
    // webhook confirmed the order first, so the compensation finds it paid and completes it instead.
    const w = await makeWorld({ disable: ["reconciliation"] });
    w.payments.park.authorize = 1;
    const trace: TransitionTaken[] = [];
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers, onTransition: (t) => trace.push(t) });
    await settle();
    const [charge] = w.provider.findByReference(MERCHANT, "c-1");
    await handlePaymentWebhook(w.deps, { id: "evt-1", type: "charge.authorized", chargeId: charge!.id, merchantId: MERCHANT, reference: "c-1", amount: charge!.amount, createdAt: 0 });
    w.payments.releaseParked();
    expect(await handle.outcome).toEqual({ outcome: "confirmed" });
    expect(trace.map((t) => t.to)).toContain("releasingReservation");
    expect(w.provider.findByReference(MERCHANT, "c-1")[0]?.status).toBe("captured");
    expect(await orderTypes(w)).not.toContain("OrderCancelled");
  });
});

describe("timeouts and payment keys", () => {
  it("a timed-out authorization retries with the same key: one charge", async () => {
    const w = await makeWorld();
    w.payments.withhold.authorize = 1;
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    await settle();
    w.timers.advance(authorizeContract.timeoutMs - 1);
    await settle();
    expect(w.payments.keys("authorize")).toEqual(["c-1:auth"]);
    w.timers.advance(1);
    expect(await handle.outcome).toEqual({ outcome: "confirmed" });
    expect(w.payments.keys("authorize")).toEqual(["c-1:auth", "c-1:auth"]);
    expect(w.provider.findByReference(MERCHANT, "c-1")).toHaveLength(1);
  });

  it("payment-key off: the retry uses a new key and the buyer is charged twice", async () => {
    const w = await makeWorld({ disable: ["payment-key"] });
    w.payments.withhold.authorize = 1;
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    await settle();
    w.timers.advance(authorizeContract.timeoutMs);
    await handle.outcome;
    expect(w.payments.keys("authorize")).toEqual(["c-1:auth:0", "c-1:auth:1"]);
    expect(w.provider.findByReference(MERCHANT, "c-1")).toHaveLength(2);
  });

  it("an unknown payment result is reconciled by the same key", async () => {
    const w = await makeWorld();
    w.payments.lose.authorize = 1;
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    expect(await handle.outcome).toEqual({ outcome: "confirmed" });
    expect(w.payments.keys("reconcile")).toEqual(["c-1:auth"]);
  });

  it("reconciliation off: an unknown result is taken as declined and the charge is orphaned", async () => {
    const w = await makeWorld({ disable: ["reconciliation"] });
    w.payments.lose.authorize = 1;
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    expect(await handle.outcome).toEqual({ outcome: "rejected", reason: "payment-unknown-not-reconciled" });
    expect(w.payments.keys("reconcile")).toEqual([]);
    expect(w.provider.findByReference(MERCHANT, "c-1")[0]?.status).toBe("authorized");
  });
});

describe("asynchronous payments", () => {
  // Regression: a `processing` payment the provider later declined (charge.declined webhook) ended
  // "payment-never-reached-provider": reconciliation recorded the decline as "not found", so the
  // checkout resent the request and gave up as if the provider had never seen it. It reached the
  // provider and was declined: the buyer must hear the decline, as on the synchronous path.
  it("a processing payment later declined ends rejected with payment-declined: no order, no stock (regression)", async () => {
    const w = await makeWorld({ decline: true, pending: "processing" });
    const handle = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers });
    let outcome: unknown;
    void handle.outcome.then((o) => (outcome = o));
    for (let ms = 0; ms < 30_000 && outcome === undefined; ms += 500) {
      await settle();
      w.timers.advance(500);
      w.provider.settleDue();
      for (const event of w.provider.takeOutbox()) await handlePaymentWebhook(w.deps, event); // delivered promptly
    }
    expect(await handle.outcome).toEqual({ outcome: "rejected", reason: "payment-declined" });
    const [charge] = w.provider.findByReference(MERCHANT, "c-1");
    expect(charge?.status).toBe("declined");
    expect(w.payments.keys("authorize")).toEqual(["c-1:auth"]); // never resent as if lost
    expect(await orderTypes(w)).not.toContain("OrderConfirmed");
    expect(await orderTypes(w)).toContain("OrderCancelled");
    expect(await w.stores.inventory.level(SKU, LOCATION)).toMatchObject({ held: 0, committed: 0 });
  });
});

describe("checkout command records", () => {
  it("a double submit with the checkout key attaches: one order", async () => {
    const w = await makeWorld();
    const a = await submitCheckout(w.deps, w.request("c-1", { submission: 1 }), { policy, clock: w.timers });
    const b = await submitCheckout(w.deps, w.request("c-1", { submission: 2 }), { policy, clock: w.timers });
    expect(b).toBe(a);
    expect(await a.outcome).toEqual({ outcome: "confirmed" });
    const c = await submitCheckout(w.deps, w.request("c-1", { submission: 3 }), { policy, clock: w.timers });
    expect(await c.outcome).toEqual({ outcome: "confirmed" });
    expect(await w.stores.orders.orderIds()).toHaveLength(1);
  });

  it("checkout-key off: each click is a new checkout and a new order", async () => {
    const w = await makeWorld({ disable: ["checkout-key"] });
    const a = await submitCheckout(w.deps, w.request("c-1", { submission: 1 }), { policy, clock: w.timers });
    const b = await submitCheckout(w.deps, w.request("c-1", { submission: 2 }), { policy, clock: w.timers });
    await Promise.all([a.outcome, b.outcome]);
    expect(await w.stores.orders.orderIds()).toHaveLength(2);
  });

  it("the same checkout id with a different request is rejected without running", async () => {
    const w = await makeWorld();
    await (await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers })).outcome;
    const other = w.request("c-1", { currency: "EUR" });
    const h = await submitCheckout(w.deps, other, { policy, clock: w.timers });
    expect(await h.outcome).toEqual({ outcome: "rejected", reason: "idempotency-conflict" });
  });

  it("persists every transition in order, ending with the final status (the initial state is the record's own: not saved)", async () => {
    const w = await makeWorld();
    const statuses: string[] = [];
    const save = w.stores.commands.save.bind(w.stores.commands);
    w.stores.commands.save = async (id, update) => {
      statuses.push(`${update.status}:${JSON.parse(update.snapshot ?? "{}").value}`);
      return save(id, update);
    };
    const trace: TransitionTaken[] = [];
    const h = await submitCheckout(w.deps, w.request("c-1"), { policy, clock: w.timers, onTransition: (t) => trace.push(t) });
    await h.outcome;
    expect(statuses).toEqual(trace.slice(1).map((t) => `${t.to === "confirmed" ? "confirmed" : "running"}:${t.to}`));
    expect(trace.map((t) => t.to)).toEqual(["validating", "reservingStock", "creatingOrder", "authorizing", "confirming", "capturing", "confirmed"]);
    expect(trace[1]).toEqual({ machineId: "checkout-reserve-before-payment", from: "validating", event: "xstate.done.actor.validate", to: "reservingStock" });
  });

  it("hashes requests canonically, ignoring the click count", () => {
    const w = { request: (id: string, extra = {}) => ({ checkoutId: CheckoutId(id), buyerId: "b" as never, currency: "USD" as const, lines: [], ...extra }) };
    expect(hashRequest(w.request("c-1", { submission: 2 }))).toBe(hashRequest(w.request("c-1")));
    expect(hashRequest(w.request("c-2"))).not.toBe(hashRequest(w.request("c-1")));
    expect(hashRequest(w.request("c-1"))).toMatch(/^[0-9a-f]{28}$/);
  });
});
