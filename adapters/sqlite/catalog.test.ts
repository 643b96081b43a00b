// Runs the catalog contract against SQLite, plus what only a file-backed engine must show: products
// and the search index survive closing and reopening the database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Sku } from "../../core/ids.ts";
import { catalogContract } from "../contract/catalog.contract.ts";
import { SqliteCatalog } from "./catalog.ts";
import { openDatabase, type SqliteDb } from "./db.ts";

const opened: SqliteDb[] = [];
afterAll(() => opened.forEach((db) => db.close()));

catalogContract("sqlite", (clock) => {
  const db = openDatabase(":memory:");
  opened.push(db);
  return new SqliteCatalog(db, { clock });
});

describe("SqliteCatalog on a file", () => {
  it("keeps products, price versions and the search index across a reopen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "checkout-sim-catalog-"));
    try {
      const path = join(dir, "store.db");
      const first = openDatabase(path);
      const c1 = new SqliteCatalog(first);
      await c1.upsertProduct({ sku: Sku("lamp"), title: "Desk lamp", description: "brass", price: { amount: 100, currency: "EUR" } });
      await c1.setPrice(Sku("lamp"), { amount: 120, currency: "EUR" });
      first.close();
      const second = openDatabase(path);
      const c2 = new SqliteCatalog(second);
      expect(await c2.getProduct(Sku("lamp"))).toMatchObject({ priceVersion: 2, price: { amount: 120, currency: "EUR" } });
      expect((await c2.search("brass")).map((p) => p.sku)).toEqual(["lamp"]);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a direct write that breaks a column rule (constraints back the code)", () => {
    const db = openDatabase(":memory:");
    new SqliteCatalog(db);
    expect(() =>
      db.prepare("INSERT INTO catalog_products (sku, title, description, price_amount, price_currency, price_version) VALUES ('x', 't', '', -5, 'USD', 1)").run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});
