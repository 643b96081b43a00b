// Runs the shared order ledger contract against SQLite, then checks what only a database can break:
// the triggers that keep the ledger append-only and a reopen of a file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { BuyerId, CheckoutId, EventId, OrderId, Sku } from "../../core/ids.ts";
import { foldOrder } from "../../core/orderLifecycle.ts";
import type { NewOrderEvent } from "../../core/ports/orderLedger.ts";
import { orderLedgerContract } from "../contract/orderLedger.contract.ts";
import { openDatabase } from "./db.ts";
import { SqliteOrderLedger } from "./orderLedger.ts";

orderLedgerContract("sqlite", (clock) => new SqliteOrderLedger(openDatabase(":memory:"), { clock }));

const createdEvent = (id: string): NewOrderEvent => ({
  type: "OrderCreated",
  eventId: EventId(id),
  checkoutId: CheckoutId("c1"),
  buyerId: BuyerId("b1"),
  lines: [{ sku: Sku("s1"), quantity: 1, unitPrice: { amount: 100, currency: "EUR" }, priceVersion: 3 }],
  total: { amount: 100, currency: "EUR" },
});

describe("order ledger on SQLite", () => {
  it("refuses UPDATE and DELETE on ledger events and on outbox payloads, but lets published_at be set once", async () => {
    const db = openDatabase(":memory:");
    const ledger = new SqliteOrderLedger(db, { clock: new ManualClock(0) });
    await ledger.append(OrderId("o1"), [createdEvent("e1")]);
    expect(() => db.prepare("UPDATE orders_events SET body = '{}'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM orders_events").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE orders_outbox SET payload = '{}'").run()).toThrow(/only published_at/);
    expect(() => db.prepare("DELETE FROM orders_outbox").run()).toThrow(/unpublished/);
    await ledger.markPublished([EventId("e1")], 42);
    expect(() => db.prepare("UPDATE orders_outbox SET published_at = 43").run()).toThrow(/set once/);
    expect(await ledger.events(OrderId("o1"))).toHaveLength(1);
    expect(db.prepare("SELECT published_at FROM orders_outbox").get()).toEqual({ published_at: 42 });
  });

  it("keeps events, the checkout index and the outbox across a close and reopen of a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "orders-"));
    try {
      const file = join(dir, "ledger.db");
      const db1 = openDatabase(file);
      const l1 = new SqliteOrderLedger(db1, { clock: new ManualClock(7) });
      await l1.append(OrderId("o1"), [createdEvent("e1"), { type: "InventoryReserved", eventId: EventId("e2"), reservationKey: "c1:reserve" } as NewOrderEvent]);
      db1.close();
      const db2 = openDatabase(file);
      const l2 = new SqliteOrderLedger(db2, { clock: new ManualClock(8) });
      const events = await l2.events(OrderId("o1"));
      expect(events.map((e) => [e.eventId, e.sequence, e.at])).toEqual([["e1", 1, 7], ["e2", 2, 7]]);
      expect(foldOrder(events).status).toBe("reserved");
      expect(await l2.findByCheckout(CheckoutId("c1"))).toBe("o1");
      expect((await l2.pendingOutbox(10)).map((p) => p.eventId)).toEqual(["e1", "e2"]);
      expect(await l2.append(OrderId("o1"), [createdEvent("e1")])).toEqual({ appended: [], duplicates: 1 });
      db2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
