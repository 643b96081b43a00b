// Goal: each checker, given a world that breaks its invariant, says false and names the entities;
// given the same world without the break, says true. Pure functions, hand-built worlds.
import { describe, expect, it } from "vitest";
import { BuyerId, CheckoutId, EventId, LocationId, MerchantId, OrderId, ProviderRef, ReservationKey, Sku, IdempotencyKey } from "../ids.ts";
import type { OrderEvent } from "../ports/orderLedger.ts";
import type { ProviderCharge } from "../ports/paymentProvider.ts";
import type { Reservation, StockMovement } from "../ports/inventory.ts";
import type { PaymentRecord } from "../ports/paymentLedger.ts";
import { checkAll, combine } from "./index.ts";
import { extraAuthorizationsVoided } from "./noDoubleCharge.ts";
import { factKey, factOf, type BuyerAnswer, type WebhookFact, type World } from "./world.ts";
import type { InvariantName } from "./verdict.ts";

const usd = (amount: number) => ({ amount, currency: "USD" as const });

function order(n: number, opts: { checkoutId?: string; qty?: number; price?: number; version?: number; status?: "confirmed" | "cancelled"; providerRef?: string; at?: number } = {}): OrderEvent[] {
  const orderId = OrderId(`o-${n}`);
  const checkoutId = CheckoutId(opts.checkoutId ?? `c-${n}`);
  const qty = opts.qty ?? 1;
  const price = opts.price ?? 1000;
  const at = opts.at ?? 10;
  const base = { orderId, at };
  const events: OrderEvent[] = [
    { ...base, sequence: 1, eventId: EventId(`${orderId}:1`), type: "OrderCreated", checkoutId, buyerId: BuyerId("b"), total: usd(qty * price), lines: [{ sku: Sku("sku-1"), quantity: qty, unitPrice: usd(price), priceVersion: opts.version ?? 1 }] },
    { ...base, sequence: 2, eventId: EventId(`${orderId}:2`), type: "InventoryReserved", reservationKey: ReservationKey(`${checkoutId}:reserve`) },
    { ...base, sequence: 3, eventId: EventId(`${orderId}:3`), type: "PaymentAuthorized", providerRef: ProviderRef(opts.providerRef ?? `ch-${n}`), amount: usd(qty * price) },
    { ...base, sequence: 4, eventId: EventId(`${orderId}:4`), type: "OrderConfirmed" },
  ];
  if (opts.status === "cancelled") events.push({ ...base, sequence: 5, eventId: EventId(`${orderId}:5`), type: "PaymentVoided", providerRef: ProviderRef(opts.providerRef ?? `ch-${n}`) });
  return events;
}

const charge = (id: string, reference: string, status: ProviderCharge["status"] = "authorized", amount = 1000): ProviderCharge => ({
  id: ProviderRef(id),
  merchantId: MerchantId("m-1"),
  amount: usd(amount),
  status,
  capturedAmount: 0,
  refundedAmount: 0,
  reference,
  idempotencyKey: IdempotencyKey(`${reference}:auth`),
  createdAt: 0,
});

const reservation = (checkoutId: string, status: Reservation["status"], expiresAt = 100): Reservation => ({
  key: ReservationKey(`${checkoutId}:reserve`),
  checkoutId: CheckoutId(checkoutId),
  lines: [{ sku: Sku("sku-1"), location: LocationId("loc-1"), quantity: 1 }],
  status,
  createdAt: 0,
  expiresAt,
});

const answer = (checkoutId: string, told: BuyerAnswer["answer"], at: number, reason?: string): BuyerAnswer => ({ checkoutId, buyerId: "b", submission: 1, at, answer: told, ...(reason !== undefined ? { reason } : {}) });

const webhook = (eventId: string, reference: string, fact: Partial<WebhookFact> = {}): WebhookFact => ({ eventId, type: "charge.authorized", chargeId: `ch-${reference.slice(2)}`, reference, attempts: 1, acknowledged: true, gaveUp: false, ...fact });

/** A healthy world: two confirmed orders of one unit each, two units received. */
function healthy(): World {
  const orders = { "o-1": order(1), "o-2": order(2) };
  return {
    now: 1000,
    levels: [{ sku: Sku("sku-1"), location: LocationId("loc-1"), onHand: 2, held: 0, committed: 2 }],
    received: { "sku-1@loc-1": 2 },
    reservations: [reservation("c-1", "committed"), reservation("c-2", "committed")],
    orders,
    appended: [...orders["o-1"], ...orders["o-2"]],
    charges: [charge("ch-1", "c-1"), charge("ch-2", "c-2")],
    commands: ["c-1", "c-2"].map((id) => ({ checkoutId: CheckoutId(id), buyerId: BuyerId("b"), requestHash: "h", request: "{}", status: "confirmed" as const, snapshot: null, createdAt: 0, updatedAt: 0 })),
    published: new Set(Object.values(orders).flat().map((e) => e.eventId as string)),
    effects: { email: Object.fromEntries(Object.values(orders).flat().map((e) => [e.eventId as string, 1])) },
    priceChanges: [{ sku: "sku-1", version: 1, price: usd(1000), at: 0 }],
    submissions: [
      { checkoutId: "c-1", buyerId: "b", at: 5, submission: 1 },
      { checkoutId: "c-2", buyerId: "b", at: 5, submission: 1 },
    ],
    outcomes: { "c-1": "confirmed", "c-2": "confirmed" },
    answers: [answer("c-1", "confirmed", 40), answer("c-2", "confirmed", 40)],
    webhooks: [webhook("ev-1", "c-1")],
    eventBusinessKeys: Object.fromEntries(Object.values(orders).flat().map((e) => [e.eventId as string, `${e.orderId}:${e.type}`])),
    releasedAt: {},
    // conservation laws (issue 18): the receipt, the payment rows and the stream behind the same orders
    movements: [{ id: "receipt-1", sku: Sku("sku-1"), location: LocationId("loc-1"), kind: "receipt", delta: 2, at: 0 }],
    payments: ["c-1", "c-2"].map((c, i) => payment(c, "authorize", `ch-${i + 1}`)),
    stream: Object.values(orders).flat().map((e, i) => ({ messageId: e.eventId, offset: i + 1, topic: "orders", fact: { orderId: e.orderId, type: e.type, sequence: e.sequence, eventId: e.eventId } })),
    factEffects: { email: { "o-1#1:OrderCreated": 1 } },
    healed: true,
    quiescent: true,
  };
}

/** A settled payment-ledger row. */
const payment = (checkoutId: string, operation: PaymentRecord["operation"], providerRef: string, amount = 1000, status: PaymentRecord["status"] = "succeeded"): PaymentRecord => ({
  merchantId: MerchantId("m-1"),
  key: IdempotencyKey(`${checkoutId}:${operation}`),
  operation,
  requestHash: "h",
  amount: usd(amount),
  checkoutId: CheckoutId(checkoutId),
  orderId: null,
  status,
  providerRef: status === "succeeded" ? ProviderRef(providerRef) : null,
  response: null,
  reconciliation: "none",
  createdAt: 0,
  updatedAt: 0,
});

const failing = (world: World, invariant: InvariantName) => checkAll(world, [invariant]).verdicts[0]!;

describe("invariant checkers", () => {
  it("a healthy world passes every invariant", () => {
    const result = checkAll(healthy());
    expect(result.verdicts.filter((v) => v.valid !== true).map((v) => `${v.invariant}: ${v.violations[0]?.message}`)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("no-oversell catches more units sold than received, and held+committed over on-hand", () => {
    const w = healthy();
    const sold = failing({ ...w, orders: { ...w.orders, "o-3": order(3, { qty: 1 }) } }, "no-oversell");
    expect(sold.valid).toBe(false);
    expect(sold.violations[0]!.entities["sku"]).toBe("sku-1");
    const store = failing({ ...w, levels: [{ ...w.levels[0]!, held: 1 }] }, "no-oversell");
    expect(store.valid).toBe(false);
  });

  it("no-double-charge catches two captures for one checkout and more captured than the total; a voided extra authorization is not a charge", () => {
    const w = healthy();
    const captured = (id: string, reference: string, amount: number, refunded = 0): ProviderCharge => ({ ...charge(id, reference, "captured", amount), capturedAmount: amount, refundedAmount: refunded });
    const twice = failing({ ...w, charges: [captured("ch-1", "c-1", 1000), captured("ch-9", "c-1", 1000), w.charges[1]!] }, "no-double-charge");
    expect(twice.valid).toBe(false);
    expect(twice.violations[0]!.entities["checkout"]).toBe("c-1");
    expect(twice.violations.map((v) => v.message)).toEqual(["checkout c-1 was captured 2 times (ch-1, ch-9)", "checkout c-1: 2000 captured (ch-1, ch-9) > order total 1000"]);
    expect(failing({ ...w, charges: [captured("ch-1", "c-1", 1500), w.charges[1]!] }, "no-double-charge").valid).toBe(false);
    // A captured charge refunded down to the total takes no more than the total.
    expect(failing({ ...w, charges: [captured("ch-1", "c-1", 1500, 500), w.charges[1]!] }, "no-double-charge").valid).toBe(true);
    const extra = { ...w, charges: [...w.charges, charge("ch-9", "c-1", "voided")] };
    expect(failing(extra, "no-double-charge").valid).toBe(true);
    expect(extraAuthorizationsVoided(extra)).toBe(1);
    expect(extraAuthorizationsVoided(w)).toBe(0);
  });

  it("one-order-per-checkout catches two orders behind one client checkout id", () => {
    const w = healthy();
    const v = failing({ ...w, orders: { "o-1": order(1, { checkoutId: "c-1~1" }), "o-2": order(2, { checkoutId: "c-1~2" }) } }, "one-order-per-checkout");
    expect(v.valid).toBe(false);
    expect(v.violations[0]!.entities["checkout"]).toBe("c-1");
  });

  it("no-orphan-payment catches a charge held for a cancelled order, and is unknown before healing", () => {
    const w = healthy();
    const orphan = { ...w, charges: [...w.charges, charge("ch-7", "c-7")] };
    expect(failing(orphan, "no-orphan-payment").valid).toBe(false);
    expect(failing({ ...orphan, quiescent: false }, "no-orphan-payment").valid).toBe("unknown");
  });

  it("no-charge-on-failure catches a checkout answered rejected while an authorization it knew of was never voided, even once reconciliation voided it", () => {
    const row = (key: string, operation: PaymentRecord["operation"], createdAt: number, updatedAt = createdAt, providerRef: string | null = "ch-7"): PaymentRecord => ({
      merchantId: MerchantId("m-1"), key: IdempotencyKey(key), operation, requestHash: "h", amount: usd(1000), checkoutId: CheckoutId("c-7"), orderId: null,
      status: "succeeded", providerRef: providerRef === null ? null : ProviderRef(providerRef), response: null, reconciliation: "none", createdAt, updatedAt,
    });
    const w = healthy();
    const rejected = { checkoutId: CheckoutId("c-7"), buyerId: BuyerId("b"), requestHash: "h", request: "{}", status: "rejected" as const, snapshot: null, createdAt: 0, updatedAt: 50 };
    // Authorized at t=20, answered "rejected" at t=50; the reconcile job voided it at t=90 (its own key).
    const world = { ...w, commands: [...w.commands, rejected], charges: [...w.charges, charge("ch-7", "c-7", "voided")], payments: [row("c-7:auth", "authorize", 20), row("c-7:void:ch-7", "void", 90)] };
    const v = failing(world, "no-charge-on-failure");
    expect(v.valid).toBe(false);
    expect(v.violations[0]!.entities).toEqual({ checkout: "c-7", charge: "ch-7" });
    expect(failing(world, "no-orphan-payment").valid).toBe(true);
    // The checkout voided before answering: holds.
    expect(failing({ ...world, payments: [row("c-7:auth", "authorize", 20), row("c-7:void", "void", 40)] }, "no-charge-on-failure").valid).toBe(true);
    // The checkout never learnt of the authorization (its answer lost; reconciliation settled it at t=70): holds.
    expect(failing({ ...world, payments: [row("c-7:auth", "authorize", 20, 70), row("c-7:void:ch-7", "void", 90)] }, "no-charge-on-failure").valid).toBe(true);
  });

  it("paid-orders-have-stock catches a confirmed order without a committed reservation", () => {
    const w = healthy();
    const v = failing({ ...w, reservations: [reservation("c-1", "committed"), reservation("c-2", "released")] }, "paid-orders-have-stock");
    expect(v.valid).toBe(false);
    expect(v.violations[0]!.entities["order"]).toBe("o-2");
  });

  it("no-leaked-reservation catches a hold past its expiry", () => {
    const w = healthy();
    expect(failing({ ...w, reservations: [...w.reservations, reservation("c-3", "held", 500)] }, "no-leaked-reservation").valid).toBe(false);
    expect(failing({ ...w, reservations: [...w.reservations, reservation("c-3", "held", 5000)] }, "no-leaked-reservation").valid).toBe(true);
    // A hold the run never saw a checkout for still shows in the level.
    const unowned = failing({ ...w, levels: [{ ...w.levels[0]!, held: 1, onHand: 3 }] }, "no-leaked-reservation");
    expect(unowned.valid).toBe(false);
    expect(unowned.violations[0]!.entities["sku"]).toBe("sku-1");
  });

  it("events-published catches a ledger event that never reached the stream", () => {
    const w = healthy();
    const published = new Set(w.published);
    published.delete("o-2:4");
    const v = failing({ ...w, published }, "events-published");
    expect(v.valid).toBe(false);
    expect(v.violations[0]!.entities["event"]).toBe("o-2:4");
  });

  it("effects-once catches a consumer effect run twice for one event", () => {
    expect(failing({ ...healthy(), effects: { email: { "o-1:1": 2 } } }, "effects-once").valid).toBe(false);
  });

  it("catalog-price catches a price version superseded before the checkout began", () => {
    const w = healthy();
    const changes = [...w.priceChanges, { sku: "sku-1", version: 2, price: usd(1200), at: 3 }];
    const v = failing({ ...w, priceChanges: changes }, "catalog-price");
    expect(v.valid).toBe(false);
    // Changed after the submission: the order's version was current at checkout time.
    expect(failing({ ...w, priceChanges: [...w.priceChanges, { sku: "sku-1", version: 2, price: usd(1200), at: 8 }] }, "catalog-price").valid).toBe(true);
  });

  it("catalog-price judges tax and shipping: the line's tax at its rate, the rate in force, the shipping rule, the full total", () => {
    // One taxed order: 2 x 1000 at 2000 bp = 400 tax, shipping 495 (below the 5000 threshold): 2895.
    const pricing = { categories: { "sku-1": "standard" }, taxRates: [{ category: "standard", rateBps: 2000, at: 0 }], shipping: { flat: 495, freeFrom: 5000 } };
    const taxed = (over: { tax?: number; rate?: number; shipping?: number; total?: number } = {}): World => {
      const w = healthy();
      const [created, ...rest] = order(1, { qty: 2 });
      if (created?.type !== "OrderCreated") throw new Error("order() starts with OrderCreated");
      const line = { ...created.lines[0]!, taxRateBps: over.rate ?? 2000, tax: usd(over.tax ?? 400) };
      const o1 = [{ ...created, lines: [line], shipping: usd(over.shipping ?? 495), total: usd(over.total ?? 2895) }, ...rest];
      return { ...w, orders: { "o-1": o1 }, appended: o1, pricing };
    };
    expect(failing(taxed(), "catalog-price").valid).toBe(true);
    const message = (w: World) => failing(w, "catalog-price").violations.map((v) => v.message).join("; ");
    expect(message(taxed({ tax: 399, total: 2894 }))).toMatch(/tax 399 is not 2000 at 2000 bp \(400/);
    // A stale rate: 1900 bp was never the category's rate during the checkout (the arithmetic is right).
    expect(message(taxed({ rate: 1900, tax: 380, total: 2875 }))).toMatch(/taxed at 1900 bp, but its category standard was at 2000 bp/);
    expect(message(taxed({ shipping: 0, total: 2400 }))).toMatch(/shipping 0 is not the rule's 495/);
    // Charged lines only: the order says 2000, its lines, tax and shipping come to 2895.
    expect(message(taxed({ total: 2000 }))).toMatch(/total 2000 != lines 2000 \+ tax 400 \+ shipping 495 = 2895/);
    // A rate changed during the checkout (submitted at 5, created at 10): either rate is checkout-time.
    const changed = { ...pricing, taxRates: [...pricing.taxRates, { category: "standard", rateBps: 1900, at: 7 }] };
    expect(failing({ ...taxed({ rate: 1900, tax: 380, total: 2875 }), pricing: changed }, "catalog-price").valid).toBe(true);
    expect(failing({ ...taxed(), pricing: changed }, "catalog-price").valid).toBe(true);
    // Without pricing facts only the order's own arithmetic is judged.
    const { pricing: _, ...bare } = taxed({ rate: 1900, tax: 380, total: 2875 });
    expect(failing(bare, "catalog-price").valid).toBe(true);
  });

  it("ledger-append-only catches an event changed or removed after it was appended", () => {
    const w = healthy();
    const changed = w.orders["o-1"]!.map((e) => (e.type === "OrderCreated" ? { ...e, total: usd(1) } : e));
    expect(failing({ ...w, orders: { ...w.orders, "o-1": changed } }, "ledger-append-only").valid).toBe(false);
    expect(failing({ ...w, orders: { ...w.orders, "o-1": w.orders["o-1"]!.slice(0, 2) } }, "ledger-append-only").valid).toBe(false);
  });

  it("liveness catches a checkout still running after the liveness phase", () => {
    const w = healthy();
    const running = { checkoutId: CheckoutId("c-1"), buyerId: BuyerId("b"), requestHash: "h", request: "{}", status: "running" as const, snapshot: null, createdAt: 0, updatedAt: 0 };
    expect(failing({ ...w, commands: [running, w.commands[1]!] }, "liveness").valid).toBe(false);
    const { answers: _, ...withoutAnswers } = w;
    expect(failing({ ...withoutAnswers, commands: [w.commands[1]!] }, "liveness").valid).toBe(false); // c-1 never recorded (a world without answers)
  });

  it("answer-matches-ledger catches a buyer told \"rejected\" who has an order and a charge, and one told \"confirmed\" without an order", () => {
    const w = healthy();
    const told = failing({ ...w, answers: [answer("c-1", "rejected", 40, "payment-failed"), answer("c-2", "confirmed", 40)] }, "answer-matches-ledger");
    expect(told.valid).toBe(false);
    expect(told.violations.map((v) => v.entities["checkout"])).toEqual(["c-1", "c-1"]); // the order, and the money
    expect(told.violations[1]!.entities["charge"]).toBe("ch-1");
    // Told "rejected" with the order cancelled and the charge voided: consistent.
    const cancelled = { ...w, orders: { ...w.orders, "o-1": order(1, { status: "cancelled" }) }, charges: [charge("ch-1", "c-1", "voided"), w.charges[1]!], answers: [answer("c-1", "rejected", 40), answer("c-2", "confirmed", 40)] };
    expect(failing(cancelled, "answer-matches-ledger").valid).toBe(true);
    // Told "confirmed" for a checkout that has no order.
    expect(failing({ ...w, answers: [...w.answers!, answer("c-3", "confirmed", 40)] }, "answer-matches-ledger").violations[0]!.entities["checkout"]).toBe("c-3");
    // A backorder keeps its order and authorization; an earlier "no-answer" or "rejected" is superseded by the last answer.
    expect(failing({ ...w, answers: [answer("c-1", "compensated", 40, "backordered"), answer("c-2", "no-answer", 30), answer("c-2", "confirmed", 40)] }, "answer-matches-ledger").valid).toBe(true);
    // Confirmed, but the order holds other lines than the buyer submitted (the cart edited in another tab).
    const edited = { ...w, submissions: w.submissions.map((s) => (s.checkoutId === "c-1" ? { ...s, lines: [{ sku: "sku-1", quantity: 2 }] } : s)) };
    expect(failing(edited, "answer-matches-ledger").violations[0]!.message).toMatch(/holds 1 sku-1, not the 2 sku-1 the buyer submitted/);
    expect(failing({ ...w, quiescent: false, answers: [answer("c-1", "rejected", 40)] }, "answer-matches-ledger").valid).toBe("unknown");
  });

  it("sold-orders-keep-their-money catches a confirmed order whose charge was voided, or that holds more or less than its total", () => {
    const w = healthy();
    const voidedAtProvider = failing({ ...w, charges: [charge("ch-1", "c-1", "voided"), w.charges[1]!] }, "sold-orders-keep-their-money");
    expect(voidedAtProvider.valid).toBe(false);
    expect(voidedAtProvider.violations[0]!.message).toMatch(/confirmed order o-1 \(total 1000\) holds 0/);
    // A void in the ledger after the confirmation, with no cancellation.
    const o1 = w.orders["o-1"]!;
    const voidedInLedger = [...o1, { ...o1[3]!, sequence: 5, eventId: EventId("o-1:5"), type: "PaymentVoided" as const, providerRef: ProviderRef("ch-1") }];
    const v = failing({ ...w, orders: { ...w.orders, "o-1": voidedInLedger }, charges: [charge("ch-1", "c-1", "voided"), w.charges[1]!] }, "sold-orders-keep-their-money");
    expect(v.violations.map((x) => x.message)).toEqual(["order o-1 was confirmed, then its charge ch-1 voided without a cancellation", "confirmed order o-1 (total 1000) holds 0 at the provider (ch-1 voided 0)"]);
    // Captured exactly its total: kept.
    expect(failing({ ...w, charges: [{ ...charge("ch-1", "c-1", "captured"), capturedAmount: 1000 }, w.charges[1]!] }, "sold-orders-keep-their-money").valid).toBe(true);
    // Authorized for more than the total.
    expect(failing({ ...w, charges: [charge("ch-1", "c-1", "authorized", 1500), w.charges[1]!] }, "sold-orders-keep-their-money").valid).toBe(false);
  });

  it("effects-at-least-once catches an event that reached the stream and was never effected by a consumer", () => {
    const w = healthy();
    const email = { ...w.effects["email"]! };
    delete email["o-2:4"];
    const v = failing({ ...w, effects: { ...w.effects, email } }, "effects-at-least-once");
    expect(v.valid).toBe(false);
    expect(v.violations[0]!.entities).toEqual({ consumer: "email", event: "o-2:4" });
    expect(failing({ ...w, effects: { ...w.effects, email }, quiescent: false }, "effects-at-least-once").valid).toBe("unknown");
  });

  it("one-completion-per-order catches one business event effected under several event ids", () => {
    const w = healthy();
    const fresh = { ...w, published: new Set([...w.published, "wh-1#1", "wh-1#2"]), eventBusinessKeys: { ...w.eventBusinessKeys, "wh-1#1": "o-1:OrderConfirmed", "wh-1#2": "o-1:OrderConfirmed" }, effects: { email: { ...w.effects["email"]!, "wh-1#1": 1, "wh-1#2": 1 } } };
    const v = failing(fresh, "one-completion-per-order");
    expect(v.valid).toBe(false);
    expect(v.violations[0]!.message).toBe("consumer email effected OrderConfirmed of order o-1 3 times, under event ids o-1:4, wh-1#1, wh-1#2");
    // Effects repeated under one event id are effects-once's, not this checker's.
    expect(failing({ ...w, effects: { email: { ...w.effects["email"]!, "o-1:4": 2 } } }, "one-completion-per-order").valid).toBe(true);
  });

  it("prompt-release catches a failed checkout whose hold was left to the expiry sweep, or released late", () => {
    const w = healthy();
    const failed = { ...w, orders: { "o-2": w.orders["o-2"]! }, charges: [w.charges[1]!], answers: [answer("c-1", "rejected", 100, "payment-declined"), answer("c-2", "confirmed", 40)] };
    const expired = failing({ ...failed, reservations: [reservation("c-1", "expired", 4100), w.reservations[1]!] }, "prompt-release");
    expect(expired.valid).toBe(false);
    expect(expired.violations[0]!.message).toMatch(/left to the expiry sweep/);
    expect(failing({ ...failed, reservations: [reservation("c-1", "released", 4100), w.reservations[1]!], releasedAt: { "c-1:reserve": 150 } }, "prompt-release").valid).toBe(true);
    expect(failing({ ...failed, reservations: [reservation("c-1", "released", 4100), w.reservations[1]!], releasedAt: { "c-1:reserve": 3500 } }, "prompt-release").violations[0]!.message).toMatch(/released only at t=3500ms/);
    // Time the clock jumped (a fault) after the answer is not delay.
    expect(failing({ ...failed, reservations: [reservation("c-1", "released", 9000), w.reservations[1]!], releasedAt: { "c-1:reserve": 3500 }, clockJumps: [{ at: 2000, ms: 4001 }] }, "prompt-release").valid).toBe(true);
    // A hold that would have lapsed within the bound anyway is no harm.
    expect(failing({ ...failed, reservations: [reservation("c-1", "expired", 1500), w.reservations[1]!] }, "prompt-release").valid).toBe(true);
  });

  it("webhooks-acknowledged catches a webhook the provider gave up on", () => {
    const w = healthy();
    const v = failing({ ...w, webhooks: [...w.webhooks!, webhook("ev-2", "c-2", { attempts: 8, acknowledged: false, gaveUp: true })] }, "webhooks-acknowledged");
    expect(v.valid).toBe(false);
    expect(v.violations[0]!.entities["event"]).toBe("ev-2");
    const pending = { ...w, webhooks: [webhook("ev-2", "c-2", { attempts: 3, acknowledged: false })] };
    expect(failing({ ...pending, quiescent: false }, "webhooks-acknowledged").valid).toBe("unknown");
    expect(failing(pending, "webhooks-acknowledged").valid).toBe(false);
  });

  // ---- conservation laws (issue 18) ----

  const move = (id: string, kind: StockMovement["kind"], delta: number, checkoutId?: string): StockMovement => ({
    id,
    sku: Sku("sku-1"),
    location: LocationId("loc-1"),
    kind,
    delta,
    at: 1,
    ...(checkoutId === undefined ? {} : { checkoutId: CheckoutId(checkoutId) }),
  });
  const withStock = (w: World, extra: StockMovement[]): World => {
    const movements = [...w.movements!, ...extra];
    return { ...w, movements, levels: [{ ...w.levels[0]!, onHand: movements.reduce((n, m) => n + m.delta, 0) }] };
  };

  it("stock-conserved: on hand must equal receipts - shipments + adjustments", () => {
    const w = healthy();
    const v = failing({ ...w, levels: [{ ...w.levels[0]!, onHand: 3 }] }, "stock-conserved");
    expect(v.valid).toBe(false);
    expect(v.violations[0]!.message).toMatch(/on hand 3, but receipts 2 - shipments 0 \+ adjustments 0 = 2/);
    const { movements: _movements, ...handBuilt } = w; // a world built before movements were collected
    expect(failing(handBuilt, "stock-conserved").valid).toBe("unknown");
  });

  it("stock-conserved: a restock within what left the shelf for the order passes; a double restock, or one tied to nothing, fails", () => {
    // A third order shipped one more unit received for it, was cancelled and put back: that is conserved.
    const base = withStock({ ...healthy(), orders: { ...healthy().orders, "o-3": order(3, { status: "cancelled" }) } }, [move("receipt-2", "receipt", 1), move("ship-3", "shipment", -1, "c-3"), move("restock-3a", "adjustment", 1, "c-3")]);
    expect(failing(base, "stock-conserved").valid).toBe(true);
    const twice = failing(withStock(base, [move("restock-3b", "adjustment", 1, "c-3")]), "stock-conserved");
    expect(twice.valid).toBe(false);
    expect(twice.violations[0]!.message).toMatch(/checkout c-3: put back 2 units of sku-1@loc-1 in 2 restock\(s\).*only 1 left the shelf/);
    expect(twice.violations[0]!.entities).toMatchObject({ checkout: "c-3", sku: "sku-1" });
    const untied = failing(withStock(base, [move("found", "adjustment", 1)]), "stock-conserved");
    expect(untied.violations.map((x) => x.message)).toEqual([expect.stringMatching(/movement found: \+1 sku-1@loc-1 \(adjustment\) raises on hand without being a receipt or a restock tied to an order/)]);
    const orderless = failing(withStock(base, [move("ship-9", "shipment", -1, "c-9"), move("restock-9", "adjustment", 1, "c-9")]), "stock-conserved");
    expect(orderless.violations[0]!.message).toMatch(/checkout c-9: .* but the checkout has no order/);
  });

  it("stock-conserved: units sold never exceed units physically received, though adjustments let no-oversell pass", () => {
    const w = healthy();
    const inflated = withStock({ ...w, orders: { ...w.orders, "o-3": order(3) }, received: { "sku-1@loc-1": 3 } }, [move("restock-1", "adjustment", 1, "c-1")]);
    expect(failing(inflated, "no-oversell").valid).toBe(true);
    const v = failing(inflated, "stock-conserved");
    expect(v.violations.map((x) => x.message)).toContain("sku-1: 3 units in 3 sold orders, only 2 physically received (receipts; restocks and adjustments do not count)");
  });

  it("money-reconciles: the provider, the payment ledger and the order ledger must agree per charge, once healed", () => {
    const w = healthy();
    const captured = { ...charge("ch-1", "c-1", "captured"), capturedAmount: 1000 };
    const capturedEvent: OrderEvent = { orderId: OrderId("o-1"), at: 20, sequence: 5, eventId: EventId("o-1:5"), type: "PaymentCaptured", providerRef: ProviderRef("ch-1"), amount: usd(1000) };
    const agreed: World = { ...w, charges: [captured, w.charges[1]!], payments: [...w.payments, payment("c-1", "capture", "ch-1")], orders: { ...w.orders, "o-1": [...w.orders["o-1"]!, capturedEvent] } };
    expect(failing(agreed, "money-reconciles").valid).toBe(true);

    const unbooked = failing({ ...agreed, orders: w.orders }, "money-reconciles");
    expect(unbooked.violations.map((x) => x.message)).toEqual(["charge ch-1 (checkout c-1, order o-1): captured 1000 at the provider, 1000 in the payment ledger, 0 in the order ledger"]);
    expect(unbooked.violations[0]!.entities).toEqual({ charge: "ch-1", checkout: "c-1", order: "o-1" });

    const refunded = { ...captured, refundedAmount: 1000 };
    const refund = (n: number): OrderEvent => ({ orderId: OrderId("o-1"), at: 30, sequence: 5 + n, eventId: EventId(`o-1:refund-${n}`), type: "RefundIssued", providerRef: ProviderRef("ch-1"), amount: usd(1000) });
    const once: World = { ...agreed, charges: [refunded, w.charges[1]!], payments: [...agreed.payments, payment("c-1", "refund", "ch-1")], orders: { ...w.orders, "o-1": [...agreed.orders["o-1"]!, refund(1)] } };
    expect(failing(once, "money-reconciles").valid).toBe(true);
    const twice = failing({ ...once, orders: { ...w.orders, "o-1": [...once.orders["o-1"]!, refund(2)] } }, "money-reconciles");
    expect(twice.violations.map((x) => x.message)).toEqual(["charge ch-1 (checkout c-1, order o-1): refunded 1000 at the provider, 1000 in the payment ledger, 2000 in the order ledger"]);

    expect(failing({ ...w, payments: [w.payments[1]!] }, "money-reconciles").violations[0]!.message).toMatch(/charge ch-1 .* authorized for 1000 at the provider, no succeeded authorization names it/);
    expect(failing({ ...w, payments: [...w.payments, payment("c-9", "capture", "ch-9")] }, "money-reconciles").violations[0]!.message).toMatch(/the payment ledger records a capture of 1000 on charge ch-9 .* which the provider never made/);
    expect(failing({ ...w, charges: [{ ...w.charges[0]!, status: "voided" }, w.charges[1]!] }, "money-reconciles").violations[0]!.message).toMatch(/voided at the provider, no succeeded void/);
    expect(failing({ ...agreed, orders: w.orders, quiescent: false }, "money-reconciles").valid).toBe("unknown");
  });

  it("events-are-facts: what reached the stream must be committed ledger events, one message id per fact, one effect per fact", () => {
    const w = healthy();
    const stream = w.stream!;
    const notice = { messageId: "o-9:OrderCreated", offset: 99, topic: "orders", fact: { orderId: "o-9", type: "OrderCreated" as const, sequence: 1, eventId: "o-9:OrderCreated" } };
    const ghost = failing({ ...w, stream: [...stream, notice] }, "events-are-facts");
    expect(ghost.violations.map((x) => x.message)).toEqual(["message o-9:OrderCreated (offset 99) says order o-9 OrderCreated #1, but the ledger has no order o-9"]);

    const resent = { ...stream[0]!, messageId: "o-1:1:resend", offset: 100 };
    const minted = failing({ ...w, stream: [...stream, resent], factEffects: { email: { "o-1#1:OrderCreated": 2 } } }, "events-are-facts");
    expect(minted.violations.map((x) => x.message)).toEqual([
      "o-1#1:OrderCreated reached the stream under 2 message ids (o-1:1, o-1:1:resend): one fact published as several",
      "consumer email acted 2 times on o-1#1:OrderCreated",
    ]);
    // The same message id twice is the stream's at-least-once delivery, not a second fact.
    expect(failing({ ...w, stream: [...stream, { ...stream[0]!, offset: 100 }] }, "events-are-facts").valid).toBe(true);

    const wrongType = { ...stream[1]!, messageId: "x", fact: { ...stream[1]!.fact!, type: "OrderConfirmed" as const } };
    expect(failing({ ...w, stream: [...stream.slice(0, 1), wrongType, ...stream.slice(2)] }, "events-are-facts").violations[0]!.message).toMatch(/but the ledger holds InventoryReserved there/);
    const apology = { messageId: "o-1:apology", offset: 101, topic: "customer-notifications" };
    expect(failing({ ...w, stream: [...stream, apology] }, "events-are-facts").valid).toBe(true);
    const { stream: _stream, ...handBuilt } = w;
    expect(failing(handBuilt, "events-are-facts").valid).toBe("unknown");
  });

  it("factOf reads an order event's business identity from a payload, and nothing else", () => {
    expect(factOf(JSON.stringify({ type: "OrderCreated", orderId: "o-1", sequence: 1, eventId: "e" }))).toEqual({ orderId: "o-1", type: "OrderCreated", sequence: 1, eventId: "e" });
    expect(factOf(JSON.stringify({ type: "OrderCreated", orderId: "o-1" }))).toEqual({ orderId: "o-1", type: "OrderCreated", sequence: null, eventId: null });
    expect(factOf(JSON.stringify({ type: "Apology", orderId: "o-1" }))).toBeUndefined();
    expect(factOf("not json")).toBeUndefined();
    expect(factKey({ orderId: "o-1", type: "RefundIssued", sequence: 7 })).toBe("o-1#7:RefundIssued");
  });

  it("verdicts compose: false beats unknown beats true", () => {
    expect(combine([true, "unknown", false])).toBe(false);
    expect(combine([true, "unknown"])).toBe("unknown");
    expect(combine([true, true])).toBe(true);
  });
});
