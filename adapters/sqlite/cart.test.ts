// Runs the cart contract against SQLite, plus what only a file-backed engine must show: carts and
// their version sequence survive closing and reopening the database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { BuyerId, Sku } from "../../core/ids.ts";
import { cartContract } from "../contract/cart.contract.ts";
import { SqliteCart } from "./cart.ts";
import { openDatabase, type SqliteDb } from "./db.ts";

const opened: SqliteDb[] = [];
afterAll(() => opened.forEach((db) => db.close()));

cartContract("sqlite", (clock) => {
  const db = openDatabase(":memory:");
  opened.push(db);
  return new SqliteCart(db, { clock });
});

describe("SqliteCart on a file", () => {
  it("keeps a cart, its TTL and its version across a reopen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "checkout-sim-cart-"));
    try {
      const path = join(dir, "store.db");
      const clock = new ManualClock(0);
      const first = openDatabase(path);
      const a = new SqliteCart(first, { clock, ttlMs: 1_000 });
      await a.addLine(BuyerId("alice"), { sku: Sku("mug"), quantity: 2, priceSnapshot: { amount: 450, currency: "GBP" }, priceVersion: 3 });
      first.close();
      const second = openDatabase(path);
      const b = new SqliteCart(second, { clock, ttlMs: 1_000 });
      expect(await b.get(BuyerId("alice"))).toEqual({
        buyerId: "alice",
        version: 1,
        updatedAt: 0,
        expiresAt: 1_000,
        lines: [{ sku: "mug", quantity: 2, priceSnapshot: { amount: 450, currency: "GBP" }, priceVersion: 3 }],
      });
      clock.advance(1_000);
      expect(await b.get(BuyerId("alice"))).toBeUndefined();
      expect((await b.put(BuyerId("alice"), []))?.version).toBe(2);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
