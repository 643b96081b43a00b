// Runs the inventory contract and the model-based test against SQLite, plus what only this engine
// must show: state survives a reopen, two connections to one file never oversell, and the schema
// itself refuses oversell and history edits even when the code is bypassed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { CheckoutId, LocationId, ReservationKey, Sku } from "../../core/ids.ts";
import { inventoryContract } from "../contract/inventory.contract.ts";
import { inventoryModelTest } from "../contract/inventory.model.ts";
import { openDatabase, type SqliteDb } from "./db.ts";
import { SqliteInventory } from "./inventory.ts";

const opened: SqliteDb[] = [];
afterAll(() => opened.forEach((db) => db.close()));
const memoryDb = () => {
  const db = openDatabase(":memory:");
  opened.push(db);
  return db;
};

inventoryContract("sqlite", (clock) => new SqliteInventory(memoryDb(), { clock }));
inventoryModelTest("sqlite", (clock) => new SqliteInventory(memoryDb(), { clock }), { numRuns: 100 });

const WH = LocationId("wh");
const withTempDir = async (fn: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), "checkout-sim-inventory-"));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe("SqliteInventory on a file", () => {
  it("gives a database made before movements named their checkout the column, keeping its old movements", async () => {
    const db = memoryDb();
    db.exec(`CREATE TABLE inventory_movements (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, sku TEXT NOT NULL, location TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('receipt', 'adjustment', 'shipment')), delta INTEGER NOT NULL CHECK (delta <> 0), at INTEGER NOT NULL) STRICT;
      CREATE TABLE inventory_levels (sku TEXT NOT NULL, location TEXT NOT NULL, on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
      held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0), committed INTEGER NOT NULL DEFAULT 0 CHECK (committed >= 0),
      CHECK (held + committed <= on_hand), PRIMARY KEY (sku, location)) STRICT, WITHOUT ROWID;
      INSERT INTO inventory_movements (id, sku, location, kind, delta, at) VALUES ('old', 'mug', 'wh', 'receipt', 5, 1);
      INSERT INTO inventory_levels (sku, location, on_hand) VALUES ('mug', 'wh', 5);`);
    const inv = new SqliteInventory(db, { clock: new ManualClock(2) });
    await inv.recordMovement({ id: "new", sku: Sku("mug"), location: WH, kind: "adjustment", delta: 1, checkoutId: CheckoutId("co-1") });
    expect((await inv.movements(Sku("mug"), WH)).map((m) => [m.id, m.checkoutId ?? null])).toEqual([["old", null], ["new", "co-1"]]);
    new SqliteInventory(db, { clock: new ManualClock(3) }); // opening again migrates nothing twice
    expect((await inv.level(Sku("mug"), WH)).onHand).toBe(6);
  });

  it("keeps levels, reservations and movements across a reopen", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "store.db");
      const clock = new ManualClock(10);
      const first = openDatabase(path);
      const a = new SqliteInventory(first, { clock });
      await a.recordMovement({ id: "m1", sku: Sku("mug"), location: WH, kind: "receipt", delta: 5 });
      await a.reserve({ key: ReservationKey("k1"), checkoutId: CheckoutId("co"), lines: [{ sku: Sku("mug"), location: WH, quantity: 2 }], expiresAt: 99 });
      await a.reserve({ key: ReservationKey("k2"), checkoutId: CheckoutId("co"), lines: [{ sku: Sku("mug"), location: WH, quantity: 1 }], expiresAt: 99 });
      await a.commit(ReservationKey("k1"));
      first.close();
      const second = openDatabase(path);
      const b = new SqliteInventory(second, { clock });
      expect(await b.level(Sku("mug"), WH)).toMatchObject({ onHand: 5, held: 1, committed: 2 });
      expect((await b.findByCheckout(CheckoutId("co"))).map((r) => [r.key, r.status])).toEqual([["k1", "committed"], ["k2", "held"]]);
      expect(await b.movements(Sku("mug"), WH)).toEqual([{ id: "m1", sku: "mug", location: "wh", kind: "receipt", delta: 5, at: 10 }]);
      second.close();
    }));

  it("never oversells when two connections to one file reserve the same stock", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "store.db");
      const clock = new ManualClock(0);
      const dbs = [openDatabase(path), openDatabase(path)];
      const [a, b] = dbs.map((db) => new SqliteInventory(db, { clock })) as [SqliteInventory, SqliteInventory];
      await a.recordMovement({ id: "m1", sku: Sku("hot"), location: WH, kind: "receipt", delta: 7 });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).reserve({ key: ReservationKey(`k${i % 15}`), checkoutId: CheckoutId(`c${i}`), lines: [{ sku: Sku("hot"), location: WH, quantity: 1 }], expiresAt: 50 }),
        ),
      );
      expect(results.filter((r) => r.ok && r.created)).toHaveLength(7);
      expect(await b.level(Sku("hot"), WH)).toMatchObject({ onHand: 7, held: 7 });
      dbs.forEach((db) => db.close());
    }));
});

describe("SqliteInventory schema", () => {
  const setup = async () => {
    const db = memoryDb();
    const inv = new SqliteInventory(db, { clock: new ManualClock(0) });
    await inv.recordMovement({ id: "m1", sku: Sku("mug"), location: WH, kind: "receipt", delta: 3 });
    await inv.reserve({ key: ReservationKey("k1"), checkoutId: CheckoutId("co"), lines: [{ sku: Sku("mug"), location: WH, quantity: 2 }], expiresAt: 9 });
    return { db, inv };
  };

  it("refuses a direct write that would oversell", async () => {
    const { db } = await setup();
    expect(() => db.prepare("UPDATE inventory_levels SET held = held + 2 WHERE sku = 'mug'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE inventory_levels SET held = -1 WHERE sku = 'mug'").run()).toThrow(/CHECK/);
  });

  it("keeps movements append-only and reservations' history immutable", async () => {
    const { db, inv } = await setup();
    expect(() => db.prepare("UPDATE inventory_movements SET delta = 100").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM inventory_movements").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM inventory_reservations").run()).toThrow(/never deleted/);
    expect(() => db.prepare("UPDATE inventory_reservation_lines SET quantity = 1").run()).toThrow(/immutable/);
    expect(() => db.prepare("UPDATE inventory_reservations SET expires_at = 1000").run()).toThrow(/illegal reservation update/);
    await inv.commit(ReservationKey("k1"));
    expect(() => db.prepare("UPDATE inventory_reservations SET status = 'held'").run()).toThrow(/illegal reservation update/);
    expect(await inv.level(Sku("mug"), WH)).toMatchObject({ onHand: 3, held: 0, committed: 2 });
  });

  it("creates its tables idempotently on a database that already has them", async () => {
    const { db } = await setup();
    const again = new SqliteInventory(db, { clock: new ManualClock(0) });
    expect(await again.level(Sku("mug"), WH)).toMatchObject({ onHand: 3, held: 2 });
  });
});
