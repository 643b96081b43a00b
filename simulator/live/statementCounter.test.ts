// Goal: the meter behind "durable writes per order / per abandoned cart" counts what reaches the
// engine and nothing else: statements classified by their first keyword with the table a write hits,
// every execution of a prepared statement, and writes attributed to the async call that issued them.
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../adapters/sqlite/db.ts";
import { classify, countsBetween, StatementCounter } from "./statementCounter.ts";

describe("statement counter", () => {
  it.each([
    ["INSERT INTO cart_carts (a) VALUES (?)", "write", "cart_carts"],
    ["  insert or replace into t (a) values (1)", "write", "t"],
    ['UPDATE "checkout_sim_live_1"."orders_outbox" SET published_at = $1', "write", "orders_outbox"],
    ["DELETE FROM mono_carts WHERE buyer_id = ?", "write", "mono_carts"],
    ["-- why\nSELECT 1", "read", undefined],
    ["WITH x AS (SELECT 1) SELECT * FROM x", "read", undefined],
    ["WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM x", "write", undefined],
    ["BEGIN", "other", undefined],
    ["CREATE TABLE IF NOT EXISTS t (a INTEGER)", "other", undefined],
  ])("classifies %j as %s", (sql, kind, table) => {
    expect(classify(sql)).toEqual(table === undefined ? { kind } : { kind, table });
  });

  it("counts every run of a prepared statement on SQLite, exec once, and attributes writes to the tag of the async call", async () => {
    const counter = new StatementCounter();
    const db = counter.sqlite(openDatabase(":memory:"));
    try {
      db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
      const before = counter.snapshot();
      const insert = db.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
      const read = db.prepare("SELECT v FROM t WHERE k = ?").pluck();
      await counter.tagged("cart:b-1", async () => {
        await Promise.resolve();
        insert.run("a", 1);
      });
      db.transaction(() => insert.run("b", 2))();
      expect(read.get("a")).toBe(1);
      const spent = countsBetween(before, counter.snapshot());
      expect(spent).toEqual({ statements: 3, reads: 1, writes: 2, other: 0, writesByTable: { t: 2 }, writesByTag: { "cart:b-1": 1 } });
    } finally {
      db.close();
    }
  });
});
