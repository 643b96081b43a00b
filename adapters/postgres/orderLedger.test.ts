// PostgresOrderLedger against a real server: the db.pool() contract suite (with its model-based test),
// then what only a networked database can get wrong: concurrent appends on separate connections,
// the append-only triggers, and relays that claim the outbox with FOR UPDATE SKIP LOCKED.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { BuyerId, CheckoutId, EventId, OrderId, ReservationKey, Sku } from "../../core/ids.ts";
import { foldOrder } from "../../core/orderLifecycle.ts";
import type { NewOrderEvent, OutboxEntry } from "../../core/ports/orderLedger.ts";
import { orderLedgerContract } from "../contract/orderLedger.contract.ts";
import { PostgresOrderLedger } from "./orderLedger.ts";
import { postgresForTests, schemaPerStore } from "./testing.ts";

const pgEnv = await postgresForTests();

const created = (id: string, checkoutId = "c1"): NewOrderEvent => ({
  type: "OrderCreated",
  eventId: EventId(id),
  checkoutId: CheckoutId(checkoutId),
  buyerId: BuyerId("b1"),
  lines: [{ sku: Sku("s1"), quantity: 1, unitPrice: { amount: 100, currency: "EUR" }, priceVersion: 3 }],
  total: { amount: 100, currency: "EUR" },
});
const reserved = (id: string): NewOrderEvent => ({ type: "InventoryReserved", eventId: EventId(id), reservationKey: ReservationKey("c1:reserve") });

describe.skipIf(!pgEnv.available)("postgres order ledger", () => {
  const db = schemaPerStore({ beforeAll, afterAll });
  const open = (clock = new ManualClock(0)) => PostgresOrderLedger.open({ pool: db.pool(), schema: db.fresh("orders_test"), clock });

  orderLedgerContract("postgres", (clock) => open(clock));

  it("lets exactly one of many concurrent appends of the same next event win; the rest are duplicates", async () => {
    const ledger = await open();
    await ledger.append(OrderId("o1"), [created("e1")]);
    const results = await Promise.all(Array.from({ length: 10 }, () => ledger.append(OrderId("o1"), [reserved("e2")])));
    expect(results.filter((r) => r.appended.length === 1)).toHaveLength(1);
    expect(results.filter((r) => r.duplicates === 1)).toHaveLength(9);
    expect((await ledger.events(OrderId("o1"))).map((e) => [e.eventId, e.sequence])).toEqual([["e1", 1], ["e2", 2]]);
  });

  it("serializes concurrent appends to one order into legal, gapless sequences", async () => {
    const ledger = await open();
    await ledger.append(OrderId("o1"), [created("e1")]);
    // Reserve and authorize may come in either order; cancellation may come after either.
    const attempts = await Promise.allSettled([
      ledger.append(OrderId("o1"), [reserved("r")]),
      ledger.append(OrderId("o1"), [{ type: "PaymentAuthorized", eventId: EventId("a"), providerRef: "pi_1", amount: { amount: 100, currency: "EUR" } } as NewOrderEvent]),
      ledger.append(OrderId("o1"), [{ type: "OrderCancelled", eventId: EventId("x"), reason: "buyer" } as NewOrderEvent]),
    ]);
    const events = await ledger.events(OrderId("o1"));
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(() => foldOrder(events)).not.toThrow();
    const refused = attempts.filter((a) => a.status === "rejected");
    expect(refused.every((a) => (a as PromiseRejectedResult).reason?._tag === "IllegalTransition")).toBe(true);
    expect(events.length + refused.length).toBe(4);
  });

  it("sees one event id appended to two orders at once exactly once, whichever order wins", async () => {
    const ledger = await open();
    const [a, b] = await Promise.all([ledger.append(OrderId("oa"), [created("same", "ca")]), ledger.append(OrderId("ob"), [created("same", "cb")])]);
    expect(a.appended.length + b.appended.length).toBe(1);
    expect(a.duplicates + b.duplicates).toBe(1);
    expect(await ledger.orderIds()).toHaveLength(1);
  });

  it("refuses in the database what the code must never do: rewriting or deleting events and outbox payloads", async () => {
    const ledger = await open();
    await ledger.append(OrderId("o1"), [created("e1")]);
    const t = (name: string) => `"${ledger.schema}".${name}`;
    await expect(ledger.pool.query(`UPDATE ${t("orders_events")} SET body = '{}'`)).rejects.toThrow(/append-only/);
    await expect(ledger.pool.query(`DELETE FROM ${t("orders_events")}`)).rejects.toThrow(/append-only/);
    await expect(ledger.pool.query(`TRUNCATE ${t("orders_events")} CASCADE`)).rejects.toThrow(/append-only/);
    await expect(ledger.pool.query(`UPDATE ${t("orders_outbox")} SET payload = '{}'`)).rejects.toThrow(/only published_at/);
    await expect(ledger.pool.query(`DELETE FROM ${t("orders_outbox")}`)).rejects.toThrow(/unpublished/);
    await ledger.markPublished([EventId("e1")], 42);
    await expect(ledger.pool.query(`UPDATE ${t("orders_outbox")} SET published_at = 43`)).rejects.toThrow(/set once/);
    expect(await ledger.events(OrderId("o1"))).toHaveLength(1);
    expect((await ledger.pool.query(`SELECT published_at FROM ${t("orders_outbox")}`)).rows).toEqual([{ published_at: "42" }]);
  });

  it("lets two relays claim disjoint outbox batches (SKIP LOCKED), and a failed publish leaves its batch pending", async () => {
    const ledger = await open(new ManualClock(500));
    for (let i = 1; i <= 6; i++) await ledger.append(OrderId(`o${i}`), [created(`e${i}`, `c${i}`)]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seenByFirst: string[] = [];
    // The first relay holds its claim open until the second has claimed and the port read has run.
    const first = ledger.publishPending(3, async (entries) => {
      seenByFirst.push(...entries.map((e) => e.eventId));
      await gate;
    });
    while (seenByFirst.length === 0) await new Promise((r) => setTimeout(r, 5));
    const whilePending = await ledger.pendingOutbox(10);
    const second = await ledger.publishPending(10, async () => undefined);
    release();
    const firstDone = await first;
    expect(firstDone.map((e) => e.eventId)).toEqual(["e1", "e2", "e3"]);
    expect(whilePending.map((e) => e.eventId)).toEqual(["e4", "e5", "e6"]);
    expect(second.map((e) => e.eventId)).toEqual(["e4", "e5", "e6"]);
    expect(await ledger.pendingOutbox(10)).toEqual([]);
    await ledger.append(OrderId("o7"), [created("e7", "c7")]);
    await expect(ledger.publishPending(10, async () => Promise.reject(new Error("broker down")))).rejects.toThrow("broker down");
    const left: OutboxEntry[] = await ledger.pendingOutbox(10);
    expect(left.map((e) => [e.eventId, e.publishedAt])).toEqual([["e7", null]]);
    const rows = await ledger.pool.query<{ event_id: string; published_at: string }>(`SELECT event_id, published_at FROM "${ledger.schema}".orders_outbox WHERE event_id = 'e1'`);
    expect(rows.rows).toEqual([{ event_id: "e1", published_at: "500" }]);
  });

  it("keeps events, the checkout index and the outbox for a second adapter on the same schema", async () => {
    const first = await open(new ManualClock(7));
    await first.append(OrderId("o1"), [created("e1"), reserved("e2")]);
    const second = await PostgresOrderLedger.open({ pool: db.pool(), schema: first.schema, clock: new ManualClock(8) });
    const events = await second.events(OrderId("o1"));
    expect(events.map((e) => [e.eventId, e.sequence, e.at])).toEqual([["e1", 1, 7], ["e2", 2, 7]]);
    expect(await second.findByCheckout(CheckoutId("c1"))).toBe("o1");
    expect((await second.pendingOutbox(10)).map((p) => p.eventId)).toEqual(["e1", "e2"]);
    expect(await second.append(OrderId("o1"), [created("e1")])).toEqual({ appended: [], duplicates: 1 });
  });
});
