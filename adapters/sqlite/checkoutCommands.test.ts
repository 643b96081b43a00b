// Runs the shared checkout command contract against SQLite, plus a reopen of a file: recovery after
// a coordinator crash must find every running checkout with its last snapshot.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.ts";
import { BuyerId, CheckoutId } from "../../core/ids.ts";
import { checkoutCommandsContract } from "../contract/checkoutCommands.contract.ts";
import { SqliteCheckoutCommands } from "./checkoutCommands.ts";
import { openDatabase } from "./db.ts";
import { tempDbFile } from "./tempDb.ts";

checkoutCommandsContract("sqlite", (clock) => new SqliteCheckoutCommands(openDatabase(":memory:"), { clock }));

describe("checkout commands on SQLite", () => {
  it("finds running checkouts with their snapshot after a close and reopen of a file", async () => {
    const { file, cleanup } = tempDbFile("commands");
    try {
      const db1 = openDatabase(file);
      const c1 = new SqliteCheckoutCommands(db1, { clock: new ManualClock(0) });
      for (const id of ["a", "b"]) await c1.submit({ checkoutId: CheckoutId(id), buyerId: BuyerId("b"), requestHash: "h", request: "{}" });
      await c1.save(CheckoutId("a"), { status: "running", snapshot: '{"value":"authorizing"}' });
      await c1.save(CheckoutId("b"), { status: "confirmed", snapshot: null });
      db1.close();
      const db2 = openDatabase(file);
      const c2 = new SqliteCheckoutCommands(db2, { clock: new ManualClock(0) });
      expect((await c2.unfinished()).map((c) => [c.checkoutId, c.snapshot])).toEqual([["a", '{"value":"authorizing"}']]);
      expect((await c2.submit({ checkoutId: CheckoutId("b"), buyerId: BuyerId("b"), requestHash: "h2", request: "{}" })).status).toBe("conflict");
      db2.close();
    } finally {
      cleanup();
    }
  });
});
