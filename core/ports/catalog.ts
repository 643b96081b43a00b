// Catalog: product facts for discovery. Reads are broad and cacheable; prices carry a version so
// checkout can detect a change after add-to-cart. Availability here is a hint, never a promise.
import type { Sku } from "../ids.ts";
import type { Money } from "../money.ts";

export interface ProductInput {
  readonly sku: Sku;
  readonly title: string;
  readonly description: string;
  readonly price: Money;
  /**
   * The product's tax category ("standard", "reduced", ...): its tax rate is the category's
   * (`setTaxRate`). Absent: the product is untaxed.
   */
  readonly category?: string;
}

export interface Product extends ProductInput {
  /** Starts at 1, +1 on every price change. */
  readonly priceVersion: number;
  /** Last availability seen on inventory events; a hint for display only. */
  readonly availabilityHint: number | null;
  /**
   * The tax rate of the product's category at the time of the read, in basis points (2000 = 20 %).
   * Absent when the product has no category or its category has no rate: no tax (core/pricing.ts).
   */
  readonly taxRateBps?: number;
}

/** A tax category's rate, in basis points (0..10000). */
export interface TaxRate {
  readonly category: string;
  readonly rateBps: number;
}

export interface SearchOptions {
  /** Maximum results; default 20. */
  readonly limit?: number;
}

export interface CatalogStore {
  /** Inserts or replaces a product; a changed price bumps `priceVersion`. */
  upsertProduct(input: ProductInput): Promise<Product>;
  /** Changes the price, returning the product with its new version. Throws NotFound for an unknown SKU. */
  setPrice(sku: Sku, price: Money): Promise<Product>;
  getProduct(sku: Sku): Promise<Product | undefined>;
  /** Products for the given SKUs, in the order asked, unknown SKUs omitted. */
  getProducts(skus: readonly Sku[]): Promise<Product[]>;
  /** Full-text search over title and description. Any user text is safe: it never throws for syntax. */
  search(text: string, options?: SearchOptions): Promise<Product[]>;
  /** Fed from inventory events; display only. */
  setAvailabilityHint(sku: Sku, available: number): Promise<void>;
  /**
   * Sets a tax category's rate (integer basis points, 0..10000); every product of that category reads
   * with it from then on. Optional: a catalog without it (or without categories) charges no tax.
   */
  setTaxRate?(category: string, rateBps: number): Promise<TaxRate>;
}
