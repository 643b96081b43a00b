// The catalog contract: what every CatalogStore engine must do, run by each engine's test file
// (memory, sqlite, and any engine a team brings). Result order of a search is engine-defined
// (SQLite ranks by relevance), so searches are compared as sets.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ManualClock } from "../../core/clock.ts";
import { ManualClock as Clock } from "../../core/clock.ts";
import { Sku } from "../../core/ids.ts";
import type { Currency, Money } from "../../core/money.ts";
import type { CatalogStore, Product, ProductInput } from "../../core/ports/catalog.ts";
import { expectError } from "./expectError.ts";

export type MakeCatalog = (clock: ManualClock) => CatalogStore | Promise<CatalogStore>;

const usd = (amount: number): Money => ({ amount, currency: "USD" });
const product = (sku: string, title: string, description = "", price: Money = usd(1000)): ProductInput => ({ sku: Sku(sku), title, description, price });
const skus = (ps: readonly Product[]): string[] => ps.map((p) => p.sku).sort();

const HOSTILE = [
  "",
  "   ",
  '"',
  '""',
  'lamp"',
  '"lamp',
  "lamp*",
  "*",
  "-lamp",
  "lamp -desk",
  "NEAR(lamp desk)",
  "NEAR",
  "lamp NEAR desk",
  "AND",
  "lamp AND",
  "OR NOT AND",
  "(lamp",
  "lamp)",
  "((",
  "title:lamp",
  "^lamp",
  "lamp + desk",
  "{title description}: lamp",
  "'; DROP TABLE catalog_products; --",
  "\u0000",
  "🍕🍕",
  "\\",
  "%_",
];

/** A fresh store on its own clock. */
const freshCatalog = (make: MakeCatalog) =>
  async () => make(new Clock(0));
type Fresh = ReturnType<typeof freshCatalog>;

function productsAndPrices(fresh: Fresh): void {
  describe("products, prices and tax rates", () => {
    it("stores a new product at price version 1 with no availability hint", async () => {
      const c = await fresh();
      const p = await c.upsertProduct(product("lamp-1", "Desk lamp", "A warm light", usd(2599)));
      expect(p).toEqual({ sku: "lamp-1", title: "Desk lamp", description: "A warm light", price: usd(2599), priceVersion: 1, availabilityHint: null });
      expect(await c.getProduct(Sku("lamp-1"))).toEqual(p);
      expect(await c.getProduct(Sku("nope"))).toBeUndefined();
    });

    it("bumps the price version on every price change and only then", async () => {
      const c = await fresh();
      await c.upsertProduct(product("a", "A", "", usd(100)));
      expect((await c.upsertProduct(product("a", "A renamed", "", usd(100)))).priceVersion).toBe(1);
      expect((await c.upsertProduct(product("a", "A", "", usd(120)))).priceVersion).toBe(2);
      expect((await c.upsertProduct(product("a", "A", "", { amount: 120, currency: "EUR" }))).priceVersion).toBe(3);
      const p = await c.setPrice(Sku("a"), usd(90));
      expect(p.price).toEqual(usd(90));
      expect(p.priceVersion).toBe(4);
      expect((await c.setPrice(Sku("a"), usd(90))).priceVersion).toBe(4);
      expect((await c.getProduct(Sku("a")))?.priceVersion).toBe(4);
    });

    it("refuses a price for an unknown SKU with NotFound", async () => {
      const c = await fresh();
      await expectError("NotFound", () => c.setPrice(Sku("ghost"), usd(1)));
      expect(await c.getProduct(Sku("ghost"))).toBeUndefined();
    });

    it("returns products in the order asked and omits unknown SKUs", async () => {
      const c = await fresh();
      for (const s of ["a", "b", "c"]) await c.upsertProduct(product(s, `Item ${s}`));
      expect((await c.getProducts([Sku("c"), Sku("x"), Sku("a"), Sku("b")])).map((p) => p.sku)).toEqual(["c", "a", "b"]);
      expect(await c.getProducts([])).toEqual([]);
    });

    it("refuses bad products with InvalidInput and writes nothing", async () => {
      const c = await fresh();
      await c.upsertProduct(product("ok", "Fine", "", usd(500)));
      const bad: ProductInput[] = [
        product("", "Empty SKU"),
        product("x".repeat(256), "Long SKU"),
        product("p", ""),
        product("p", "Fractional", "", usd(10.5)),
        product("p", "Negative", "", usd(-1)),
        product("p", "NaN", "", usd(Number.NaN)),
        product("p", "Currency", "", { amount: 1, currency: "XXX" as Currency }),
        product("ok", "Fractional update", "", usd(0.1)),
      ];
      for (const input of bad) await expectError("InvalidInput", () => c.upsertProduct(input));
      await expectError("InvalidInput", () => c.setPrice(Sku("ok"), usd(1.5)));
      await expectError("InvalidInput", () => c.setPrice(Sku("ok"), { amount: 1, currency: "usd" as Currency }));
      expect(await c.getProduct(Sku("p"))).toBeUndefined();
      expect(await c.getProduct(Sku("ok"))).toMatchObject({ title: "Fine", price: usd(500), priceVersion: 1 });
      expect(await c.search("fractional")).toEqual([]);
    });

    it("reads each product with its category's tax rate; a rate change reaches every product of the category; no category or no rate: no tax", async () => {
      const c = await fresh();
      const mug = await c.upsertProduct({ ...product("mug", "Mug"), category: "standard" });
      const bread = await c.upsertProduct({ ...product("bread", "Bread"), category: "reduced" });
      const gift = await c.upsertProduct(product("gift", "Gift card"));
      expect(gift).not.toHaveProperty("taxRateBps");
      if (c.setTaxRate === undefined) {
        // A catalog without tax rates taxes nothing: its products carry no rate.
        for (const p of [mug, bread]) expect(p).not.toHaveProperty("taxRateBps");
        return;
      }
      expect(mug).toMatchObject({ category: "standard" });
      expect(mug).not.toHaveProperty("taxRateBps"); // the category has no rate yet
      expect(await c.setTaxRate("standard", 2000)).toEqual({ category: "standard", rateBps: 2000 });
      await c.setTaxRate("reduced", 700);
      expect(await c.getProduct(Sku("mug"))).toMatchObject({ category: "standard", taxRateBps: 2000, priceVersion: 1 });
      expect(await c.getProducts([Sku("bread"), Sku("gift")])).toEqual([{ ...bread, taxRateBps: 700 }, gift]);
      await c.setTaxRate("standard", 1900);
      expect((await c.search("mug"))[0]).toMatchObject({ sku: "mug", taxRateBps: 1900 });
      const moved = await c.upsertProduct({ ...product("mug", "Mug"), category: "reduced" });
      expect(moved).toMatchObject({ category: "reduced", taxRateBps: 700 });
      await c.setTaxRate("exempt", 0);
      expect(await c.upsertProduct({ ...product("book", "Book"), category: "exempt" })).toMatchObject({ taxRateBps: 0 });
    });

    it("refuses a bad tax rate or category with InvalidInput", async () => {
      const c = await fresh();
      await expectError("InvalidInput", () => c.upsertProduct({ ...product("mug", "Mug"), category: "" }));
      if (c.setTaxRate === undefined) return;
      for (const rate of [-1, 10_001, 12.5, Number.NaN]) await expectError("InvalidInput", () => c.setTaxRate!("standard", rate));
      await expectError("InvalidInput", () => c.setTaxRate!("", 100));
      await c.upsertProduct({ ...product("mug", "Mug"), category: "standard" });
      expect(await c.getProduct(Sku("mug"))).not.toHaveProperty("taxRateBps");
    });

    it("accepts a 255-character SKU", async () => {
      const c = await fresh();
      const sku = "s".repeat(255);
      await c.upsertProduct(product(sku, "Long but legal"));
      expect((await c.getProduct(Sku(sku)))?.sku).toBe(sku);
    });
  });
}

function search(fresh: Fresh): void {
  describe("search", () => {
    it("searches title and description; every word must match, whole words only, any case and accents", async () => {
      const c = await fresh();
      await c.upsertProduct(product("lamp", "Desk Lamp", "Brass, warm light"));
      await c.upsertProduct(product("lamps", "Lamps bundle", "Three desk lamps"));
      await c.upsertProduct(product("cafe", "Café table", "Round oak"));
      await c.upsertProduct(product("chair", "Oak chair", "Pairs with the desk"));
      expect(skus(await c.search("lamp"))).toEqual(["lamp"]);
      expect(skus(await c.search("LAMP brass"))).toEqual(["lamp"]);
      expect(skus(await c.search("desk"))).toEqual(["chair", "lamp", "lamps"]);
      expect(skus(await c.search("desk oak"))).toEqual(["chair"]);
      expect(skus(await c.search("oak table"))).toEqual(["cafe"]);
      expect(skus(await c.search("cafe"))).toEqual(["cafe"]);
      expect(skus(await c.search("CAFÉ"))).toEqual(["cafe"]);
      expect(skus(await c.search("la"))).toEqual([]);
      expect(skus(await c.search("lamp sofa"))).toEqual([]);
      expect(skus(await c.search("  desk,  lamp!! "))).toEqual(["lamp"]);
    });

    it("treats search syntax in user text as plain words and never throws", async () => {
      const c = await fresh();
      await c.upsertProduct(product("lamp", "Desk lamp", "near the window, and bright"));
      await c.upsertProduct(product("desk", "Desk", "Oak"));
      for (const text of HOSTILE) {
        const found = await c.search(text);
        expect(Array.isArray(found), text).toBe(true);
      }
      expect(await c.search("")).toEqual([]);
      expect(await c.search('"" * - ( ) ^ :')).toEqual([]);
      expect(skus(await c.search("lamp*"))).toEqual(["lamp"]);
      expect(skus(await c.search("-desk"))).toEqual(["desk", "lamp"]);
      expect(skus(await c.search("NEAR(desk lamp)"))).toEqual(["lamp"]);
      expect(skus(await c.search("near AND window"))).toEqual(["lamp"]);
      expect(skus(await c.search("desk OR oak"))).toEqual([]);
      expect(skus(await c.search('"desk'))).toEqual(["desk", "lamp"]);
    });

    it("matches exactly the products that contain every query word, for any text", async () => {
      const c = await fresh();
      const vocab = ["red", "blue", "oak", "lamp", "near", "and", "or", "not", "desk", "chair"];
      const docs = [
        ["p1", "red oak desk", "near the chair"],
        ["p2", "blue lamp", "and or not"],
        ["p3", "oak chair", "red"],
        ["p4", "Lamp", "desk lamp, blue"],
      ] as const;
      for (const [s, t, d] of docs) await c.upsertProduct(product(s, t, d));
      const noise = fc.constantFrom('"', "*", "-", "(", ")", " ", "^", ":", "+", "NEAR", "AND", "OR", "NOT", "\t");
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...vocab), noise), { maxLength: 8 }), async (parts) => {
          const text = parts.join(" ");
          const want = [...new Set(text.toLowerCase().match(/[a-z]+/g) ?? [])];
          const expected =
            want.length === 0 ? [] : docs.filter(([, t, d]) => want.every((w) => `${t} ${d}`.toLowerCase().match(/[a-z]+/g)?.includes(w))).map(([s]) => s);
          expect(skus(await c.search(text, { limit: 10 }))).toEqual(expected.sort());
        }),
        { numRuns: 150 },
      );
    });

    it("never throws on arbitrary text", async () => {
      const c = await fresh();
      await c.upsertProduct(product("lamp", "Desk lamp", "warm"));
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: "binary", maxLength: 40 }), async (text) => {
          expect(Array.isArray(await c.search(text))).toBe(true);
        }),
        { numRuns: 200 },
      );
    });

    it("re-indexes a product whose text changed", async () => {
      const c = await fresh();
      await c.upsertProduct(product("p", "Walnut shelf", "Wall mounted"));
      await c.upsertProduct(product("p", "Pine shelf", "Free standing"));
      expect(await c.search("walnut")).toEqual([]);
      expect(await c.search("mounted")).toEqual([]);
      expect(skus(await c.search("pine standing"))).toEqual(["p"]);
      await c.setPrice(Sku("p"), usd(1));
      await c.setAvailabilityHint(Sku("p"), 3);
      const [hit] = await c.search("pine");
      expect(hit).toMatchObject({ sku: "p", price: usd(1), availabilityHint: 3, priceVersion: 2 });
    });

    it("bounds results by limit (default 20) and refuses a bad limit", async () => {
      const c = await fresh();
      for (let i = 0; i < 25; i++) await c.upsertProduct(product(`mug-${String(i).padStart(2, "0")}`, `Mug ${i}`, "stoneware"));
      expect(await c.search("stoneware")).toHaveLength(20);
      expect(await c.search("stoneware", { limit: 3 })).toHaveLength(3);
      expect(await c.search("stoneware", { limit: 100 })).toHaveLength(25);
      for (const limit of [0, -1, 1.5, Number.NaN]) await expectError("InvalidInput", () => c.search("mug", { limit }));
    });
  });
}

function hintsAndImmutability(fresh: Fresh): void {
  describe("availability hints and immutability", () => {
    it("keeps the availability hint apart from price and across upserts, and ignores unknown SKUs", async () => {
      const c = await fresh();
      await c.upsertProduct(product("a", "A"));
      await c.setAvailabilityHint(Sku("a"), 7);
      expect(await c.getProduct(Sku("a"))).toMatchObject({ availabilityHint: 7, priceVersion: 1 });
      await c.upsertProduct(product("a", "A again", "", usd(5)));
      expect(await c.getProduct(Sku("a"))).toMatchObject({ availabilityHint: 7, priceVersion: 2 });
      await c.setAvailabilityHint(Sku("a"), 0);
      expect((await c.getProduct(Sku("a")))?.availabilityHint).toBe(0);
      await c.setAvailabilityHint(Sku("unknown"), 3);
      expect(await c.getProduct(Sku("unknown"))).toBeUndefined();
      await expectError("InvalidInput", () => c.setAvailabilityHint(Sku("a"), -1));
      await expectError("InvalidInput", () => c.setAvailabilityHint(Sku("a"), 2.5));
      expect((await c.getProduct(Sku("a")))?.availabilityHint).toBe(0);
    });

    it("hands out products that cannot change the stored ones", async () => {
      const c = await fresh();
      const p = await c.upsertProduct(product("a", "Original", "", usd(100)));
      const got = (await c.getProduct(Sku("a"))) as Product;
      for (const target of [p, got]) {
        try {
          (target as { title: string }).title = "Hacked";
          (target.price as { amount: number }).amount = 1;
        } catch {
          // frozen objects refuse the write; either way the store must not change
        }
      }
      expect(await c.getProduct(Sku("a"))).toMatchObject({ title: "Original", price: usd(100) });
    });
  });
}

export function catalogContract(name: string, make: MakeCatalog): void {
  describe(`catalog contract (${name})`, () => {
    const fresh = freshCatalog(make);
    productsAndPrices(fresh);
    search(fresh);
    hintsAndImmutability(fresh);
  });
}
