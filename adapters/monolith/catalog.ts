// The monolith's catalog: product pages and search read the same `mono_products` rows whose quantity
// column checkout updates, as a single schema grows them. Search is a LIKE per word over a column of
// the normalized words of title and description (shared/searchText.ts), so it matches whole words in
// any case and accents, and user text never reaches the SQL as syntax (words are letters and digits).
import { NotFound } from "../../core/errors.ts";
import type { Sku } from "../../core/ids.ts";
import type { Currency, Money } from "../../core/money.ts";
import type { CatalogStore, Product, ProductInput, SearchOptions } from "../../core/ports/catalog.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { requirePrice, requireProductInput } from "../shared/productInput.ts";
import { queryTokens, searchLimit, words } from "../shared/searchText.ts";
import { migrateMonolith } from "./monolithDb.ts";
import { int, type MonolithSql } from "./sql.ts";

interface ProductRow {
  sku: string;
  title: string;
  description: string;
  price_amount: number | string;
  price_currency: string;
  price_version: number | string;
  availability_hint: number | string | null;
}

const COLUMNS = "sku, title, description, price_amount, price_currency, price_version, availability_hint";
/** A row made by stocking alone (quantity, no product facts yet) is not a product. */
const LISTED = "price_version >= 1";

const toProduct = (r: ProductRow): Product =>
  Object.freeze({
    sku: r.sku as Sku,
    title: r.title,
    description: r.description,
    price: Object.freeze({ amount: int(r.price_amount), currency: r.price_currency as Currency }),
    priceVersion: int(r.price_version),
    availabilityHint: r.availability_hint === null ? null : int(r.availability_hint),
  });

/** ` w1 w2 ... `: every word padded by spaces, so `LIKE '% w %'` matches whole words only. */
const searchColumn = (p: ProductInput): string => ` ${[...words(p.title), ...words(p.description)].join(" ")} `;

export class MonolithCatalog implements CatalogStore {
  private constructor(private readonly sql: MonolithSql) {}

  static async open(sql: MonolithSql): Promise<MonolithCatalog> {
    await migrateMonolith(sql);
    return new MonolithCatalog(sql);
  }

  async upsertProduct(input: ProductInput): Promise<Product> {
    const p = requireProductInput(input);
    // The price version starts at 1 and moves only when the price changes; the quantity is not touched.
    await this.sql.run(
      `INSERT INTO mono_products (sku, title, description, words, price_amount, price_currency, price_version) VALUES (?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (sku) DO UPDATE SET title = excluded.title, description = excluded.description, words = excluded.words,
         price_amount = excluded.price_amount, price_currency = excluded.price_currency,
         price_version = CASE WHEN mono_products.price_version = 0 THEN 1
           WHEN mono_products.price_amount = excluded.price_amount AND mono_products.price_currency = excluded.price_currency THEN mono_products.price_version
           ELSE mono_products.price_version + 1 END`,
      [p.sku, p.title, p.description, searchColumn(p), p.price.amount, p.price.currency],
    );
    return (await this.getProduct(p.sku)) as Product;
  }

  async setPrice(sku: Sku, price: Money): Promise<Product> {
    requireKey(sku, "sku");
    const checked = requirePrice(price);
    await this.sql.run(
      `UPDATE mono_products SET price_amount = ?, price_currency = ?, price_version = price_version + 1
       WHERE sku = ? AND ${LISTED} AND NOT (price_amount = ? AND price_currency = ?)`,
      [checked.amount, checked.currency, sku, checked.amount, checked.currency],
    );
    const product = await this.getProduct(sku);
    if (product === undefined) throw new NotFound({ entity: "product", id: sku, message: `no product with SKU ${sku}` });
    return product;
  }

  async getProduct(sku: Sku): Promise<Product | undefined> {
    const [row] = await this.sql.all<ProductRow>(`SELECT ${COLUMNS} FROM mono_products WHERE sku = ? AND ${LISTED}`, [sku]);
    return row === undefined ? undefined : toProduct(row);
  }

  async getProducts(skus: readonly Sku[]): Promise<Product[]> {
    if (skus.length === 0) return [];
    const rows = await this.sql.all<ProductRow>(`SELECT ${COLUMNS} FROM mono_products WHERE sku IN (${skus.map(() => "?").join(", ")}) AND ${LISTED}`, skus);
    const bySku = new Map(rows.map((r) => [r.sku, toProduct(r)]));
    return skus.flatMap((s) => bySku.get(s) ?? []);
  }

  async search(text: string, options?: SearchOptions): Promise<Product[]> {
    const limit = searchLimit(options?.limit);
    const tokens = queryTokens(text);
    if (tokens.length === 0) return [];
    const rows = await this.sql.all<ProductRow>(
      `SELECT ${COLUMNS} FROM mono_products WHERE ${LISTED} AND ${tokens.map(() => "words LIKE ?").join(" AND ")} ORDER BY sku LIMIT ?`,
      [...tokens.map((t) => `% ${t} %`), limit],
    );
    return rows.map(toProduct);
  }

  async setAvailabilityHint(sku: Sku, available: number): Promise<void> {
    requireKey(sku, "sku");
    requireNonNegativeInt(available, "available");
    await this.sql.run("UPDATE mono_products SET availability_hint = ? WHERE sku = ?", [available, sku]);
  }
}
