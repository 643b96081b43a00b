// The provider model's money rules and in-flight protocol, called in-process as the simulator does.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { IdempotencyKey, MerchantId, ProviderRef } from "../../core/ids.ts";
import { money } from "../../core/money.ts";
import type { ProviderCharge } from "../../core/ports/paymentProvider.ts";
import { ProviderModel } from "./model.ts";

const A = MerchantId("acme");
const B = MerchantId("bolt");
const K = (s: string) => IdempotencyKey(s);
const setup = () => {
  const clock = new ManualClock(0);
  return { clock, model: new ProviderModel({ clock, merchants: [A, B] }) };
};
const authorized = async (model: ProviderModel, key = "a1", amount = 1000, reference = "co-1") => {
  const r = await model.authorize(A, K(key), { amount: money(amount, "USD"), reference });
  expect(r.status).toBe(200);
  return r.body as ProviderCharge;
};

describe("ProviderModel", () => {
  it("captures at most the authorized amount and refunds at most the captured amount", async () => {
    const { model } = setup();
    const c = await authorized(model);
    expect((await model.capture(A, K("c0"), { chargeId: c.id, amount: 1001 })).status).toBe(400);
    expect((await model.capture(A, K("c1"), { chargeId: c.id, amount: 800 })).status).toBe(200);
    expect((await model.capture(A, K("c2"), { chargeId: c.id, amount: 100 })).status).toBe(400); // already captured
    expect((await model.refund(A, K("r1"), { chargeId: c.id, amount: 500 })).status).toBe(200);
    expect((await model.refund(A, K("r2"), { chargeId: c.id, amount: 301 })).status).toBe(400);
    expect((await model.refund(A, K("r3"), { chargeId: c.id, amount: 300 })).status).toBe(200);
    expect(model.charges()[0]).toMatchObject({ status: "captured", capturedAmount: 800, refundedAmount: 800 });
    expect(model.events().map((e) => [e.type, e.amount.amount])).toEqual([
      ["charge.authorized", 1000],
      ["charge.captured", 800],
      ["charge.refunded", 500],
      ["charge.refunded", 300],
    ]);
  });

  it("voids only an authorized charge; a voided charge cannot be captured", async () => {
    const { model } = setup();
    const c = await authorized(model);
    expect((await model.void(A, K("v1"), { chargeId: c.id })).status).toBe(200);
    expect((await model.capture(A, K("c1"), { chargeId: c.id, amount: 10 })).status).toBe(400);
    const d = await authorized(model, "a2", 500, "co-2");
    await model.capture(A, K("c2"), { chargeId: d.id, amount: 500 });
    expect((await model.void(A, K("v2"), { chargeId: d.id })).status).toBe(400);
    expect(model.charges().map((x) => x.status)).toEqual(["voided", "captured"]);
  });

  it("answers 404 for another merchant's charge and for an unknown charge", async () => {
    const { model } = setup();
    const c = await authorized(model);
    expect((await model.capture(B, K("c1"), { chargeId: c.id, amount: 10 })).status).toBe(404);
    expect((await model.retrieve(B, c.id)).status).toBe(404);
    expect((await model.void(A, K("v1"), { chargeId: ProviderRef("ch_999") })).status).toBe(404);
    expect(model.charges()[0]?.status).toBe("authorized");
  });

  it("finds charges by key and by reference, per merchant; a stored response keeps its snapshot", async () => {
    const { model } = setup();
    const c = await authorized(model, "a1", 1000, "co-1");
    await authorized(model, "a2", 1000, "co-1"); // a double charge under the same reference
    expect((await model.searchByKey(A, K("a1"))).map((x) => x.id)).toEqual([c.id]);
    expect(await model.searchByReference(A, "co-1")).toHaveLength(2);
    expect(await model.searchByReference(B, "co-1")).toEqual([]);
    await model.capture(A, K("c1"), { chargeId: c.id, amount: 1000 });
    const replay = await model.authorize(A, K("a1"), { amount: money(1000, "USD"), reference: "co-1" });
    expect(replay.replayed).toBe(true);
    expect((replay.body as ProviderCharge).status).toBe("authorized");
  });

  it("holds a key between begin and finish (409 meanwhile); abandon frees it without storing", () => {
    const { model } = setup();
    const params = { amount: money(100, "USD"), reference: "co-1" };
    const begun = model.begin(A, "k1", "authorize", params);
    if (begun.kind !== "in-flight") throw new Error("expected in flight");
    expect(model.request(A, "k1", "authorize", params).status).toBe(409);
    model.abandon(begun.request);
    expect(model.charges()).toHaveLength(0);
    const again = model.request(A, "k1", "authorize", params);
    expect(again).toMatchObject({ status: 200, replayed: false });
    expect(() => model.finish(begun.request)).toThrow(/not in flight/);
  });

  it("refuses to start without merchants or with a bad TTL", () => {
    const clock = new ManualClock(0);
    expect(() => new ProviderModel({ clock, merchants: [] })).toThrow(/merchant/);
    expect(() => new ProviderModel({ clock, merchants: [A], idempotencyTtlMs: 0 })).toThrow(/idempotencyTtlMs/);
  });
});
