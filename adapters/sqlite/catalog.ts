// Catalog on SQLite: products in catalog_products, an external-content FTS5 index kept in step by
// triggers (re-indexed only when title or description change, so price and hint updates stay cheap).
// User text reaches FTS5 only as quoted words (shared/searchText.ts), so no input is ever a syntax error.
import type { Clock } from "../../core/clock.ts";
import { NotFound } from "../../core/errors.ts";
import type { Sku } from "../../core/ids.ts";
import type { Currency, Money } from "../../core/money.ts";
import type { CatalogStore, Product, ProductInput, SearchOptions, TaxRate } from "../../core/ports/catalog.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { requirePrice, requireProductInput, requireTaxRateInput, samePrice } from "../shared/productInput.ts";
import { fts5Query, queryTokens, searchLimit } from "../shared/searchText.ts";
import { immediate, type SqliteDb } from "./db.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog_products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 255),
  title TEXT NOT NULL CHECK (length(title) >= 1),
  description TEXT NOT NULL,
  price_amount INTEGER NOT NULL CHECK (price_amount >= 0),
  price_currency TEXT NOT NULL CHECK (length(price_currency) = 3),
  price_version INTEGER NOT NULL CHECK (price_version >= 1),
  availability_hint INTEGER CHECK (availability_hint IS NULL OR availability_hint >= 0),
  category TEXT CHECK (category IS NULL OR length(category) BETWEEN 1 AND 255)
) STRICT;
CREATE TABLE IF NOT EXISTS catalog_tax_rates (
  category TEXT PRIMARY KEY CHECK (length(category) BETWEEN 1 AND 255),
  rate_bps INTEGER NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000)
) STRICT;
CREATE VIRTUAL TABLE IF NOT EXISTS catalog_fts USING fts5(
  title, description, content = 'catalog_products', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS catalog_products_fts_insert AFTER INSERT ON catalog_products BEGIN
  INSERT INTO catalog_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER IF NOT EXISTS catalog_products_fts_delete AFTER DELETE ON catalog_products BEGIN
  INSERT INTO catalog_fts (catalog_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER IF NOT EXISTS catalog_products_fts_update AFTER UPDATE OF title, description ON catalog_products
WHEN old.title IS NOT new.title OR old.description IS NOT new.description BEGIN
  INSERT INTO catalog_fts (catalog_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO catalog_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
`;

interface ProductRow {
  sku: string;
  title: string;
  description: string;
  price_amount: number;
  price_currency: string;
  price_version: number;
  availability_hint: number | null;
  category: string | null;
  rate_bps: number | null;
}

const COLUMNS = "p.sku, p.title, p.description, p.price_amount, p.price_currency, p.price_version, p.availability_hint, p.category, t.rate_bps";
/** Every product read carries its category's current tax rate. */
const TAX_JOIN = "LEFT JOIN catalog_tax_rates t ON t.category = p.category";

const toProduct = (r: ProductRow): Product =>
  Object.freeze({
    sku: r.sku as Sku,
    title: r.title,
    description: r.description,
    price: Object.freeze({ amount: r.price_amount, currency: r.price_currency as Currency }),
    priceVersion: r.price_version,
    availabilityHint: r.availability_hint,
    ...(r.category === null ? {} : { category: r.category }),
    ...(r.rate_bps === null ? {} : { taxRateBps: r.rate_bps }),
  });

export interface SqliteCatalogOptions {
  /** Unused today (the catalog keeps no timestamps); accepted so every store is built the same way. */
  readonly clock?: Clock;
}

export class SqliteCatalog implements CatalogStore {
  private readonly db: SqliteDb;
  private readonly selectBySku;
  private readonly insert;
  private readonly update;
  private readonly updatePrice;
  private readonly updateHint;
  private readonly searchStmt;
  private readonly upsertTaxRate;

  constructor(db: SqliteDb, _options: SqliteCatalogOptions = {}) {
    this.db = db;
    db.exec(SCHEMA);
    addCategoryColumn(db);
    this.selectBySku = db.prepare<[string], ProductRow>(`SELECT ${COLUMNS} FROM catalog_products p ${TAX_JOIN} WHERE p.sku = ?`);
    this.insert = db.prepare<[string, string, string, number, string, string | null]>(
      "INSERT INTO catalog_products (sku, title, description, price_amount, price_currency, price_version, category) VALUES (?, ?, ?, ?, ?, 1, ?)",
    );
    this.update = db.prepare<[string, string, number, string, number, string | null, string]>(
      "UPDATE catalog_products SET title = ?, description = ?, price_amount = ?, price_currency = ?, price_version = ?, category = ? WHERE sku = ?",
    );
    this.upsertTaxRate = db.prepare<[string, number]>("INSERT INTO catalog_tax_rates (category, rate_bps) VALUES (?, ?) ON CONFLICT (category) DO UPDATE SET rate_bps = excluded.rate_bps");
    this.updatePrice = db.prepare<[number, string, number, string]>(
      "UPDATE catalog_products SET price_amount = ?, price_currency = ?, price_version = ? WHERE sku = ?",
    );
    this.updateHint = db.prepare<[number, string]>("UPDATE catalog_products SET availability_hint = ? WHERE sku = ?");
    this.searchStmt = db.prepare<[string, number], ProductRow>(
      `SELECT ${COLUMNS} FROM catalog_fts JOIN catalog_products p ON p.id = catalog_fts.rowid ${TAX_JOIN}
       WHERE catalog_fts MATCH ? ORDER BY catalog_fts.rank, p.sku LIMIT ?`,
    );
  }

  async upsertProduct(input: ProductInput): Promise<Product> {
    const p = requireProductInput(input);
    return immediate(this.db, () => {
      const old = this.selectBySku.get(p.sku);
      if (old === undefined) {
        this.insert.run(p.sku, p.title, p.description, p.price.amount, p.price.currency, p.category ?? null);
      } else {
        const oldPrice = { amount: old.price_amount, currency: old.price_currency as Currency };
        const version = samePrice(oldPrice, p.price) ? old.price_version : old.price_version + 1;
        this.update.run(p.title, p.description, p.price.amount, p.price.currency, version, p.category ?? null, p.sku);
      }
      return toProduct(this.selectBySku.get(p.sku) as ProductRow);
    });
  }

  async setPrice(sku: Sku, price: Money): Promise<Product> {
    requireKey(sku, "sku");
    const checked = requirePrice(price);
    return immediate(this.db, () => {
      const old = this.selectBySku.get(sku);
      if (old === undefined) throw new NotFound({ entity: "product", id: sku, message: `no product with SKU ${sku}` });
      const product = toProduct(old);
      if (samePrice(product.price, checked)) return product;
      this.updatePrice.run(checked.amount, checked.currency, old.price_version + 1, sku);
      return toProduct(this.selectBySku.get(sku) as ProductRow);
    });
  }

  async getProduct(sku: Sku): Promise<Product | undefined> {
    const row = this.selectBySku.get(sku);
    return row === undefined ? undefined : toProduct(row);
  }

  async getProducts(skus: readonly Sku[]): Promise<Product[]> {
    const out: Product[] = [];
    for (const sku of skus) {
      const row = this.selectBySku.get(sku);
      if (row !== undefined) out.push(toProduct(row));
    }
    return out;
  }

  async search(text: string, options?: SearchOptions): Promise<Product[]> {
    const limit = searchLimit(options?.limit);
    const tokens = queryTokens(text);
    if (tokens.length === 0) return [];
    return this.searchStmt.all(fts5Query(tokens), limit).map(toProduct);
  }

  async setAvailabilityHint(sku: Sku, available: number): Promise<void> {
    requireKey(sku, "sku");
    requireNonNegativeInt(available, "available");
    // A hint for a SKU the catalog does not list changes no row: inventory may know SKUs first.
    this.updateHint.run(available, sku);
  }

  async setTaxRate(category: string, rateBps: number): Promise<TaxRate> {
    const rate = requireTaxRateInput(category, rateBps);
    this.upsertTaxRate.run(rate.category, rate.rateBps);
    return rate;
  }
}

/** A catalog file written before tax categories gains the column (NULL: untaxed). */
function addCategoryColumn(db: SqliteDb): void {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('catalog_products')").all();
  if (!columns.some((c) => c.name === "category")) db.exec("ALTER TABLE catalog_products ADD COLUMN category TEXT CHECK (category IS NULL OR length(category) BETWEEN 1 AND 255)");
}
