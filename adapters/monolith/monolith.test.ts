// Goal: the monolith baseline's catalog and cart are real stores (the shared contract suites pass on
// SQLite and PostgreSQL), so what `compare --architectures` measures of them is the one-database
// design, not a broken adapter; and its order rows keep only the last status and when it was set.
import { afterAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { ManualClock } from "../../core/clock.ts";
import { cartContract } from "../contract/cart.contract.ts";
import { catalogContract } from "../contract/catalog.contract.ts";
import { openDatabase, type SqliteDb } from "../sqlite/db.ts";
import { dropSchema, freshSchemaName, postgresForTests } from "../postgres/testing.ts";
import { MonolithCart } from "./cart.ts";
import { MonolithCatalog } from "./catalog.ts";
import { MonolithDb } from "./monolithDb.ts";
import { openMonolithPool, postgresSql, sqliteSql, toPgPlaceholders, type MonolithSql } from "./sql.ts";

const pgEnv = await postgresForTests();

const sqliteDbs: SqliteDb[] = [];
afterAll(() => sqliteDbs.forEach((db) => db.close()));
const onSqlite = (): MonolithSql => {
  const db = openDatabase(":memory:");
  sqliteDbs.push(db);
  return sqliteSql(db);
};

catalogContract("monolith sqlite", () => MonolithCatalog.open(onSqlite()));
cartContract("monolith sqlite", (clock) => MonolithCart.open(onSqlite(), { clock }));

describe.skipIf(!pgEnv.available)("monolith on postgres", () => {
  const pools: { pool: pg.Pool; schema: string }[] = [];
  afterAll(async () => {
    for (const { pool, schema } of pools) {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });
  const onPostgres = async (): Promise<MonolithSql> => {
    const schema = freshSchemaName("mono_contract");
    const pool = await openMonolithPool({ schema, poolMax: 2 });
    pools.push({ pool, schema });
    return postgresSql(pool);
  };
  catalogContract("monolith postgres", async () => MonolithCatalog.open(await onPostgres()));
  cartContract("monolith postgres", async (clock) => MonolithCart.open(await onPostgres(), { clock }));
  it("keeps the same order semantics as on SQLite: one row, status overwritten in place", async () => {
    await expectOrderRowsOverwritten(await onPostgres());
  });
});

describe("monolith order rows", () => {
  it("keep only the last status and when it was set (SQLite)", async () => {
    await expectOrderRowsOverwritten(onSqlite());
  });

  it("writes quantities computed from the snapshot read at begin: two overlapping checkouts lose an update", async () => {
    const db = await MonolithDb.open(onSqlite(), { clock: new ManualClock(0) });
    await db.stock("sku-1", 1);
    const order = { buyerId: "b", status: "paid", total: 100, lines: [{ sku: "sku-1", quantity: 1, unitPrice: 100, priceVersion: 1 }], shipping: 0, chargeId: "ch_1" };
    const a = await db.begin(["sku-1"]);
    const b = await db.begin(["sku-1"]);
    await db.commit(a, { ...order, checkoutId: "c-1" });
    await db.commit(b, { ...order, checkoutId: "c-2" });
    expect((await db.begin(["sku-1"])).qty["sku-1"]).toBe(0); // two units sold, one received, the column says 0
    expect(await db.orders()).toHaveLength(2);
  });

  it("turns ? placeholders into $n for PostgreSQL", () => {
    expect(toPgPlaceholders("UPDATE t SET a = ? WHERE b = ? AND c = ?")).toBe("UPDATE t SET a = $1 WHERE b = $2 AND c = $3");
  });
});

async function expectOrderRowsOverwritten(sql: MonolithSql): Promise<void> {
  const clock = new ManualClock(100);
  const db = await MonolithDb.open(sql, { clock });
  await db.stock("sku-1", 5);
  const snapshot = await db.begin(["sku-1"]);
  const order = await db.commit(snapshot, { checkoutId: "c-1", buyerId: "b-1", status: "paid", total: 1000, lines: [{ sku: "sku-1", quantity: 2, unitPrice: 500, priceVersion: 1 }], shipping: 0, chargeId: "ch_1" });
  clock.advance(50);
  await db.setStatus(order.id, "confirmed");
  const [row] = await db.orders();
  expect(row).toEqual({ ...order, status: "confirmed", createdAt: 100, updatedAt: 150 });
  expect((await db.begin(["sku-1"])).qty["sku-1"]).toBe(3);
}
