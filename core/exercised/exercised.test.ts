// Goal: each exercised condition recognises its dangerous moment in a hand-built history, and does
// not see it in a near-miss history (the same operations without the overlap or the fault).
import { describe, expect, it } from "vitest";
import type { ExerciseEntry } from "./entry.ts";
import { EXERCISED_CONDITIONS, exercisedBy, findCondition } from "./index.ts";

/** A tiny history builder: entries get their time in order; ops pair invoke with ok/fail/info. */
function history() {
  const entries: ExerciseEntry[] = [];
  let op = 0;
  const api = {
    entries,
    at: 0,
    invoke(process: string, f: string, value?: unknown): number {
      entries.push({ time: api.at, type: "invoke", process, f, op: ++op, ...(value === undefined ? {} : { value }) });
      return op;
    },
    end(type: "ok" | "fail" | "info", id: number, process: string, f: string, value?: unknown) {
      entries.push({ time: api.at, type, process, f, op: id, ...(value === undefined ? {} : { value }) });
    },
    fault(process: string, site: string, value?: unknown) {
      entries.push({ time: api.at, type: "fault", process, f: site, ...(value === undefined ? {} : { value }) });
    },
    note(process: string, f: string, value?: unknown) {
      entries.push({ time: api.at, type: "note", process, f, ...(value === undefined ? {} : { value }) });
    },
  };
  return api;
}

const holds = (name: string, entries: readonly ExerciseEntry[]) => findCondition(name)!.holds(entries);

describe("exercised conditions", () => {
  it("the catalogue names at least the ten conditions the issue lists, each with a description", () => {
    expect(EXERCISED_CONDITIONS.map((c) => c.name)).toEqual(
      expect.arrayContaining(["double-submit-in-flight", "answer-lost-after-effect", "concurrent-last-unit", "webhook-before-storefront", "duplicate-webhook-in-flight", "crash-mid-checkout", "hold-expired-during-payment", "price-changed-after-add", "duplicate-event-delivered", "order-write-failed-after-payment"]),
    );
    for (const c of EXERCISED_CONDITIONS) expect(c.description.length).toBeGreaterThan(10);
  });

  it("double-submit-in-flight: a second click while the first is unanswered, not after its answer", () => {
    const h = history();
    const first = h.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
    h.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 2 });
    h.end("ok", first, "buyer:1", "checkout", { checkoutId: "c-1-1", outcome: "confirmed" });
    expect(holds("double-submit-in-flight", h.entries)).toBe(true);
    const late = history();
    const a = late.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
    late.end("info", a, "buyer:1", "checkout", { checkoutId: "c-1-1", outcome: "no answer" });
    late.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 2 });
    expect(holds("double-submit-in-flight", late.entries)).toBe(false);
  });

  it("answer-lost-after-effect: a response lost after the effect, not a request lost before it", () => {
    const h = history();
    h.fault("checkout:c-1-1", "provider.5xx-after", "provider.authorize");
    expect(holds("answer-lost-after-effect", h.entries)).toBe(true);
    const before = history();
    before.fault("checkout:c-1-1", "store.request-lost", "inventory.reserve");
    before.fault("checkout:c-1-1", "provider.5xx-before", "provider.authorize");
    expect(holds("answer-lost-after-effect", before.entries)).toBe(false);
  });

  it("concurrent-last-unit: a refusal right after another checkout took the units, not one long after", () => {
    const build = (gapMs: number) => {
      const h = history();
      const took = h.invoke("checkout:c-1-1", "inventory.reserve", { key: "c-1-1:reserve" });
      h.end("ok", took, "checkout:c-1-1", "inventory.reserve", { ok: true, created: true });
      h.at += gapMs;
      const refused = h.invoke("checkout:c-2-1", "inventory.reserve", { key: "c-2-1:reserve" });
      h.end("ok", refused, "checkout:c-2-1", "inventory.reserve", { ok: false, reason: "insufficient", sku: "sku-1", requested: 2, available: 1 });
      return h.entries;
    };
    expect(holds("concurrent-last-unit", build(10))).toBe(true);
    expect(holds("concurrent-last-unit", build(5000))).toBe(false);
  });

  it("webhook-before-storefront: the webhook confirmed the order while the buyer still waited, not after the answer", () => {
    const build = (answerFirst: boolean) => {
      const h = history();
      const call = h.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
      if (answerFirst) h.end("ok", call, "buyer:1", "checkout", { checkoutId: "c-1-1", outcome: "confirmed" });
      const d = h.invoke("provider:webhooks", "webhook.deliver", { eventId: "evt_1", type: "charge.authorized", reference: "c-1-1", attempt: 1 });
      h.end("ok", d, "provider:webhooks", "webhook.deliver", { eventId: "evt_1", attempt: 1, handled: { status: answerFirst ? "already-confirmed" : "confirmed" } });
      if (!answerFirst) h.end("ok", call, "buyer:1", "checkout", { checkoutId: "c-1-1", outcome: "confirmed" });
      return h.entries;
    };
    expect(holds("webhook-before-storefront", build(false))).toBe(true);
    expect(holds("webhook-before-storefront", build(true))).toBe(false);
  });

  it("duplicate-webhook-in-flight: a second delivery before the first was answered, not a later redelivery", () => {
    const h = history();
    const a = h.invoke("provider:webhooks", "webhook.deliver", { eventId: "evt_1", attempt: 1 });
    const b = h.invoke("provider:webhooks", "webhook.deliver", { eventId: "evt_1", attempt: 2 });
    h.end("ok", a, "provider:webhooks", "webhook.deliver", { eventId: "evt_1" });
    h.end("ok", b, "provider:webhooks", "webhook.deliver", { eventId: "evt_1" });
    expect(holds("duplicate-webhook-in-flight", h.entries)).toBe(true);
    const s = history();
    const c = s.invoke("provider:webhooks", "webhook.deliver", { eventId: "evt_1", attempt: 1 });
    s.end("ok", c, "provider:webhooks", "webhook.deliver", { eventId: "evt_1" });
    s.invoke("provider:webhooks", "webhook.deliver", { eventId: "evt_1", attempt: 2 });
    expect(holds("duplicate-webhook-in-flight", s.entries)).toBe(false);
  });

  it("crash-mid-checkout: a crash while a buyer waits, not between checkouts", () => {
    const h = history();
    const call = h.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
    h.note("nemesis", "coordinator-crash", { epoch: 1 });
    h.end("ok", call, "buyer:1", "checkout", { checkoutId: "c-1-1", outcome: "confirmed" });
    expect(holds("crash-mid-checkout", h.entries)).toBe(true);
    const idle = history();
    const done = idle.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
    idle.end("ok", done, "buyer:1", "checkout", { checkoutId: "c-1-1", outcome: "confirmed" });
    idle.note("nemesis", "coordinator-crash", { epoch: 1 });
    expect(holds("crash-mid-checkout", idle.entries)).toBe(false);
  });

  it("hold-expired-during-payment: a hold swept after its checkout asked for authorization, not before", () => {
    const build = (authorizeFirst: boolean) => {
      const h = history();
      h.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
      const auth = () => {
        const a = h.invoke("checkout:c-1-1", "provider.authorize", ["m-1", "c-1-1:auth", {}]);
        h.end("info", a, "checkout:c-1-1", "provider.authorize", "timeout");
      };
      if (authorizeFirst) auth();
      const sweep = h.invoke("job:expiry", "inventory.expireDue", 4000);
      h.end("ok", sweep, "job:expiry", "inventory.expireDue", [{ key: "c-1-1:reserve", checkoutId: "c-1-1", status: "expired" }]);
      if (!authorizeFirst) auth();
      return h.entries;
    };
    expect(holds("hold-expired-during-payment", build(true))).toBe(true);
    expect(holds("hold-expired-during-payment", build(false))).toBe(false);
  });

  it("price-changed-after-add: the admin changed the price of a SKU in a buyer's cart before they checked out", () => {
    const build = (changeFirst: boolean) => {
      const h = history();
      const change = () => {
        const c = h.invoke("admin", "catalog.setPrice", ["sku-1", {}]);
        h.end("ok", c, "admin", "catalog.setPrice", { sku: "sku-1" });
      };
      if (changeFirst) change();
      const add = h.invoke("buyer:1", "cart.addLine", ["b-1", { sku: "sku-1" }]);
      h.end("ok", add, "buyer:1", "cart.addLine", {});
      if (!changeFirst) change();
      h.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
      return h.entries;
    };
    expect(holds("price-changed-after-add", build(false))).toBe(true);
    expect(holds("price-changed-after-add", build(true))).toBe(false);
  });

  it("duplicate-event-delivered: a redelivery (fault or a consumeOnce that found it done), not a first delivery", () => {
    const h = history();
    const c = h.invoke("consumer:email", "events.consumeOnce", ["email", "o-1:OrderConfirmed"]);
    h.end("ok", c, "consumer:email", "events.consumeOnce", false);
    expect(holds("duplicate-event-delivered", h.entries)).toBe(true);
    const once = history();
    const d = once.invoke("consumer:email", "events.consumeOnce", ["email", "o-1:OrderConfirmed"]);
    once.end("ok", d, "consumer:email", "events.consumeOnce", true);
    expect(holds("duplicate-event-delivered", once.entries)).toBe(false);
  });

  it("order-write-failed-after-payment: an order append lost after the authorization succeeded, not before it", () => {
    const build = (paidFirst: boolean) => {
      const h = history();
      const pay = () => {
        const a = h.invoke("checkout:c-1-1", "provider.authorize", ["m-1", "c-1-1:auth", {}]);
        h.end("ok", a, "checkout:c-1-1", "provider.authorize", { status: 200, body: { status: "authorized" } });
      };
      if (paidFirst) pay();
      const w = h.invoke("checkout:c-1-1", "orders.append", ["c-1-1:order", "[2]"]);
      h.end("info", w, "checkout:c-1-1", "orders.append", "timeout");
      if (!paidFirst) pay();
      return h.entries;
    };
    expect(holds("order-write-failed-after-payment", build(true))).toBe(true);
    expect(holds("order-write-failed-after-payment", build(false))).toBe(false);
  });

  it("cart-edited-during-checkout, two-checkouts-in-flight, started-over-after-failure: the buyer's other tab and second try", () => {
    const h = history();
    const call = h.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
    const edit = h.invoke("buyer:1:tab", "cart.addLine", ["b-1", { sku: "sku-1" }]);
    h.end("ok", edit, "buyer:1:tab", "cart.addLine", {});
    h.invoke("buyer:1:tab", "checkout", { checkoutId: "c-1-1b", submission: 1 });
    h.end("ok", call, "buyer:1", "checkout", { checkoutId: "c-1-1", outcome: "rejected" });
    h.invoke("buyer:1", "checkout", { checkoutId: "c-1-2", submission: 1 });
    expect(holds("cart-edited-during-checkout", h.entries)).toBe(true);
    expect(holds("two-checkouts-in-flight", h.entries)).toBe(true);
    expect(holds("started-over-after-failure", h.entries)).toBe(true);
    // One checkout at a time, answered confirmed, the cart edited only afterwards: none of the three.
    const calm = history();
    const a = calm.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
    calm.end("ok", a, "buyer:1", "checkout", { checkoutId: "c-1-1", outcome: "confirmed" });
    const later = calm.invoke("buyer:1", "cart.addLine", ["b-1", { sku: "sku-1" }]);
    calm.end("ok", later, "buyer:1", "cart.addLine", {});
    calm.invoke("buyer:2", "checkout", { checkoutId: "c-2-1", submission: 1 });
    expect(holds("cart-edited-during-checkout", calm.entries)).toBe(false);
    expect(holds("two-checkouts-in-flight", calm.entries)).toBe(false);
    expect(holds("started-over-after-failure", calm.entries)).toBe(false);
  });

  it("compensation-after-webhook-confirmed: the storefront gave up, never having heard the authorization succeed, after the webhook confirmed", () => {
    const build = (storefrontLearns: boolean) => {
      const h = history();
      const call = h.invoke("buyer:1", "checkout", { checkoutId: "c-1-1", submission: 1 });
      const a = h.invoke("checkout:c-1-1", "provider.authorize", ["m-1", "c-1-1:auth", {}]);
      h.end("info", a, "checkout:c-1-1", "provider.authorize", "timeout");
      const d = h.invoke("provider:webhooks", "webhook.deliver", { eventId: "evt_1", type: "charge.authorized", reference: "c-1-1", attempt: 1 });
      h.end("ok", d, "provider:webhooks", "webhook.deliver", { eventId: "evt_1", attempt: 1, handled: { status: "confirmed" } });
      const look = h.invoke("checkout:c-1-1", "provider.searchByKey", ["m-1", "c-1-1:auth"]);
      if (storefrontLearns) h.end("ok", look, "checkout:c-1-1", "provider.searchByKey", [{ reference: "c-1-1", status: "authorized" }]);
      else h.end("info", look, "checkout:c-1-1", "provider.searchByKey", "timeout");
      h.end("ok", call, "buyer:1", "checkout", { checkoutId: "c-1-1", outcome: storefrontLearns ? "confirmed" : "compensated" });
      return h.entries;
    };
    expect(holds("compensation-after-webhook-confirmed", build(false))).toBe(true);
    expect(holds("compensation-after-webhook-confirmed", build(true))).toBe(false);
  });

  it("exercisedBy lists only the conditions asked for that held", () => {
    const h = history();
    h.fault("checkout:c-1-1", "store.response-lost", "orders.append");
    expect(exercisedBy(h.entries)).toEqual(["answer-lost-after-effect"]);
    expect(exercisedBy(h.entries, ["crash-mid-checkout"])).toEqual([]);
  });
});
