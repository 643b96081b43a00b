// Goal: each checker, given a world that breaks its invariant, says false and names the entities;
// given the same world without the break, says true. Pure functions, hand-built worlds.
import { describe, expect, it } from "vitest";
import { BuyerId, CheckoutId, EventId, LocationId, MerchantId, OrderId, ProviderRef, ReservationKey, Sku, IdempotencyKey } from "../ids.ts";
import type { OrderEvent } from "../ports/orderLedger.ts";
import type { ProviderCharge } from "../ports/paymentProvider.ts";
import type { PaymentRecord } from "../ports/paymentLedger.ts";
import type { Reservation } from "../ports/inventory.ts";
import { checkAll, combine } from "./index.ts";
import type { World } from "./world.ts";
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
    payments: [],
    charges: [charge("ch-1", "c-1"), charge("ch-2", "c-2")],
    commands: ["c-1", "c-2"].map((id) => ({ checkoutId: CheckoutId(id), buyerId: BuyerId("b"), requestHash: "h", request: "{}", status: "confirmed" as const, snapshot: null, createdAt: 0, updatedAt: 0 })),
    published: new Set(Object.values(orders).flat().map((e) => e.eventId as string)),
    effects: { email: { "o-1:1": 1 } },
    priceChanges: [{ sku: "sku-1", version: 1, price: usd(1000), at: 0 }],
    submissions: [
      { checkoutId: "c-1", buyerId: "b", at: 5, submission: 1 },
      { checkoutId: "c-2", buyerId: "b", at: 5, submission: 1 },
    ],
    outcomes: { "c-1": "confirmed", "c-2": "confirmed" },
    healed: true,
    quiescent: true,
  };
}

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

  it("no-double-charge catches two successful authorizations for one checkout", () => {
    const w = healthy();
    const v = failing({ ...w, charges: [...w.charges, charge("ch-9", "c-1", "voided")] }, "no-double-charge");
    expect(v.valid).toBe(false);
    expect(v.violations[0]!.entities["checkout"]).toBe("c-1");
    expect(failing({ ...w, charges: [...w.charges, charge("ch-9", "c-1", "declined")] }, "no-double-charge").valid).toBe(true);
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
    expect(failing({ ...w, commands: [w.commands[1]!] }, "liveness").valid).toBe(false); // c-1 never recorded
  });

  it("verdicts compose: false beats unknown beats true", () => {
    expect(combine([true, "unknown", false])).toBe(false);
    expect(combine([true, "unknown"])).toBe("unknown");
    expect(combine([true, true])).toBe(true);
  });
});
